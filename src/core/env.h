/* env.h: the two things a run must be able to fix from outside so that its
 * results are reproducible: the clock and the random source. No module reads
 * the system clock or rand() directly; they ask a dd_clock or a dd_rng. */
#ifndef DD_CORE_ENV_H
#define DD_CORE_ENV_H

#include <stdint.h>

struct dd_clock {
	int64_t fixed_now; /* seconds since the epoch, or 0 for the real clock */
};

/* Wall-clock time in seconds since the epoch (the fixed value if set). */
int64_t dd_clock_now(const struct dd_clock *clock);
/* Monotonic time in milliseconds, for RTTs and timeouts. */
double dd_clock_mono_ms(void);
/* Parse an RFC 3339 timestamp or "YYYY-MM-DD" (UTC); 0 or DD_EINVAL. */
int dd_clock_parse(const char *text, int64_t *out);
/* Format t as RFC 3339 UTC ("2018-02-20T00:00:00Z") into out (>= 21 bytes). */
void dd_clock_format(int64_t t, char *out, unsigned outlen);

struct dd_rng {
	uint64_t s[2];
};

/* Seed from the kernel when seed is 0, else deterministically from seed. */
void dd_rng_init(struct dd_rng *rng, uint64_t seed);
uint64_t dd_rng_next(struct dd_rng *rng);

#endif
