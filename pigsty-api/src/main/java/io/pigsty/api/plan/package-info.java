/** Plans: ordered phases of steps, rendered offline, checked read-only, applied in parallel per phase. */
package io.pigsty.api.plan;
