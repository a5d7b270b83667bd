/**
 * Counting a call from its reply (`acquireLease`): MDE counts a call on arrival, so a window
 * that frees 60 s after the *grant* lets the next burst arrive less than 60 s after the last
 * one did. With leases, each call occupies its window from the instant its reply arrived.
 */
import { SlidingWindowLimiter, throttlePolicy, type RateLimiter } from "../../provider/api/limiter";
import type { MdeRequest } from "../../provider/api/pipeline";
import { FakeClock } from "../helpers/fakeClock";

const START = Date.UTC(2026, 0, 1);

describe("SlidingWindowLimiter leases", () => {
  it("frees a slot 60 s after the reply, not after the grant", async () => {
    const clock = new FakeClock(START);
    const limiter = new SlidingWindowLimiter({ clock });
    const first = await limiter.acquireLease("packageUri");
    const second = await limiter.acquireLease("packageUri");
    await clock.advance(5_000);
    first(); // replied 5 s after it was sent
    await clock.advance(2_000);
    second(); // 7 s
    let grantedAt = 0;
    const third = limiter.acquireLease("packageUri").then((done) => {
      grantedAt = clock.now() - START;
      return done;
    });
    await clock.runUntilSettled(third);
    expect(grantedAt).toBe(65_000);
    const fourth = limiter.acquire("packageUri").then(() => clock.now() - START);
    expect(await clock.runUntilSettled(fourth)).toBe(67_000);
  });

  it("keeps FIFO order and the hourly window when replies arrive out of order", async () => {
    const clock = new FakeClock(START);
    const limiter = new SlidingWindowLimiter({ clock, quotas: { read: { perMinute: 2, perHour: 3 } } });
    const a = await limiter.acquireLease("read");
    const b = await limiter.acquireLease("read");
    await clock.advance(1_000);
    b();
    await clock.advance(1_000);
    a();
    const granted: number[] = [];
    const rest = Promise.all([1, 2].map(() => limiter.acquire("read").then(() => granted.push(clock.now() - START))));
    await clock.runUntilSettled(rest);
    // Third call: the minute window frees when b's (1 s) reply leaves it; the fourth waits for the hour.
    expect(granted).toEqual([61_000, 3_601_000]);
  });

  it("ignores a second release and a release at the grant instant", async () => {
    const clock = new FakeClock(START);
    const limiter = new SlidingWindowLimiter({ clock });
    const done = await limiter.acquireLease("packageUri");
    done();
    done();
    await limiter.acquire("packageUri");
    const third = limiter.acquire("packageUri").then(() => clock.now() - START);
    expect(await clock.runUntilSettled(third)).toBe(60_000);
  });
});

describe("throttlePolicy", () => {
  const request = { method: "GET", url: "https://x/api/machineactions", route: "GET /api/machineactions", family: "read" } as MdeRequest;

  it("releases the lease once the reply arrived, and when the call failed", async () => {
    const events: string[] = [];
    const limiter: RateLimiter = {
      acquire: async () => undefined,
      acquireLease: async () => {
        events.push("granted");
        return () => events.push("replied");
      },
    };
    const policy = throttlePolicy(limiter);
    await policy.send(request, async () => {
      events.push("sent");
      return { status: 200, headers: {}, body: "{}" } as never;
    });
    await expect(
      policy.send(request, async () => {
        events.push("sent");
        throw new Error("reset");
      }),
    ).rejects.toThrow("reset");
    expect(events).toEqual(["granted", "sent", "replied", "granted", "sent", "replied"]);
  });

  it("still works with a limiter that only has acquire", async () => {
    const limiter: RateLimiter = { acquire: jest.fn(async () => undefined) };
    const reply = await throttlePolicy(limiter).send(request, async () => ({ status: 204 }) as never);
    expect(reply).toEqual({ status: 204 });
    expect(limiter.acquire).toHaveBeenCalledTimes(1);
  });
});
