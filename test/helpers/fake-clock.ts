import type { Clock } from '../../support/load/load-cap.ts';

/** A clock that only moves when someone sleeps: deterministic, instant (the load cap's and paced series' tests). */
export function fakeClock(): Clock & { t: number } {
  const clock = {
    t: 0,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += Math.max(0, ms);
    },
  };
  return clock;
}
