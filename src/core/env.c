/* env.c: injectable clock and random source (xoroshiro128+ seeded from the
 * kernel or from a fixed seed). */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "core/env.h"
#include "core/err.h"

int64_t dd_clock_now(const struct dd_clock *clock)
{
	if (clock && clock->fixed_now)
		return clock->fixed_now;
	return (int64_t)time(NULL);
}

double dd_clock_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

int dd_clock_parse(const char *text, int64_t *out)
{
	struct tm tm;
	const char *rest;

	memset(&tm, 0, sizeof(tm));
	rest = strptime(text, "%Y-%m-%d", &tm);
	if (!rest)
		return DD_EINVAL;
	if (*rest == 'T' || *rest == 't' || *rest == ' ') {
		rest = strptime(rest + 1, "%H:%M:%S", &tm);
		if (!rest)
			return DD_EINVAL;
		if (*rest == '.') /* fractional seconds: ignored */
			for (rest++; *rest >= '0' && *rest <= '9'; rest++)
				;
		if (*rest == 'Z' || *rest == 'z') {
			rest++;
		} else if (*rest == '+' || *rest == '-') {
			int hh, mm;
			if (sscanf(rest + 1, "%2d:%2d", &hh, &mm) != 2)
				return DD_EINVAL;
			long off = (hh * 60L + mm) * 60L;
			tm.tm_sec -= (int)(*rest == '+' ? off : -off);
			rest += 6;
		}
	}
	if (*rest != '\0')
		return DD_EINVAL;
	*out = (int64_t)timegm(&tm);
	return 0;
}

void dd_clock_format(int64_t t, char *out, unsigned outlen)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void dd_rng_init(struct dd_rng *rng, uint64_t seed)
{
	if (seed == 0 && getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (uint64_t)time(NULL) ^ (uint64_t)clock();
	rng->s[0] = splitmix(&seed);
	rng->s[1] = splitmix(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t dd_rng_next(struct dd_rng *rng)
{
	uint64_t s0 = rng->s[0], s1 = rng->s[1];
	uint64_t r = s0 + s1;

	s1 ^= s0;
	rng->s[0] = rotl(s0, 24) ^ s1 ^ (s1 << 16);
	rng->s[1] = rotl(s1, 37);
	return r;
}
