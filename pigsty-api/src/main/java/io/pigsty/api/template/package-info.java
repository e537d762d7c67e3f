/** Freemarker templates with user overrides. */
package io.pigsty.api.template;
