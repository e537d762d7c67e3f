/**
 * Immutable typed model of a Pigsty deployment, its validation and its pigsty.yml codec.
 */
package io.pigsty.model;
