/** Steps: the idempotent units of work a plan is made of, and the built-in kinds. */
package io.pigsty.api.step;
