/** SSH executor on JSch. */
package io.pigsty.ssh;
