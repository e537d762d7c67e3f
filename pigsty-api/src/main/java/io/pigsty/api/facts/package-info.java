/** Host facts: what a host is, gathered or taken from the inventory. */
package io.pigsty.api.facts;
