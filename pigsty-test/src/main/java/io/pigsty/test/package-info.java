/**
 * The vendor's test kit: {@link io.pigsty.test.DryRunExecutor}, a strict dry run that models the
 * host state a plan creates, and {@link io.pigsty.test.PlanAssert}: unit-test plans without
 * touching a host.
 */
package io.pigsty.test;
