"""Seed 003's coffee shop, driven from Python at its real speed.

Customers arrive every 1-3 s and each coffee brews for 1-5 s while the barista
takes the next order: the asyncio program of the tutorial, run by the engine with
the same event-loop semantics. The narrative is printed as it happens (``echo``);
Ctrl-C stops the day cleanly and shows the statistics so far.

    python examples/python/coffee_shop.py [--speed 1] [--seed 408]
"""

from __future__ import annotations

import argparse

import async_cafe as ac


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--speed", type=float, default=None, help="seconds of scenario time per second (default: real time)")
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()

    shop = ac.Scenario.builtin("coffee-shop")
    try:
        run = shop.run(clock="real", speed=args.speed, seed=args.seed, echo=True)
    except ac.Interrupted as stop:
        run = stop.result
        print("\n(interrupted: statistics so far)")
    s = run.stats
    print(
        f"\n{s.served} customers served in {run.makespan:.2f} s; "
        f"time in system: mean {s.time_in_system.mean_s:.2f} s, p95 {s.time_in_system.p95_s:.2f} s"
    )


if __name__ == "__main__":
    main()
