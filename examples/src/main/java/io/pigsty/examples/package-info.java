/** Runnable examples of the SDK. */
package io.pigsty.examples;
