"""How many baristas for the morning rush? A sweep over cooks and the dispatch
policy, answered with the cheapest kitchen that keeps the customers who give up
under 5%, and a pandas plot of the share who leave.

    python examples/python/staffing_sweep.py [--replications 20] [--plot rush.png]
        [--dask]   # on a local Dask cluster instead of this process's threads
"""

from __future__ import annotations

import argparse

import async_cafe as ac


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=20)
    ap.add_argument("--plot", default=None, help="save the plot to this file (PNG, SVG, ...)")
    ap.add_argument("--dask", action="store_true", help="run on a local Dask cluster (needs dask[distributed])")
    args = ap.parse_args()

    rush = ac.Scenario.builtin("rush-hour")
    vary = {"cooks": range(1, 5), "policy": ["fifo", "longest-chain"]}
    target = "left_share <= 0.05"
    if args.dask:
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(
            cluster
        ) as client:
            sweep = ac.sweep(rush, vary=vary, replications=args.replications, target=target, executor=client)
    else:
        sweep = ac.sweep(rush, vary=vary, replications=args.replications, target=target)
    print(sweep.text)

    best = sweep.best
    if best is None:
        print("no kitchen in the grid keeps the share who leave under 5%")
    else:
        print(f"answer: {best.cooks} cooks with the {best.policy} policy (cost {best.cost:g})")

    df = sweep.to_pandas()
    print(df[["cooks", "policy", "left_share_mean", "left_share_half_width"]].to_string(index=False))
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        wide = df.pivot(index="cooks", columns="policy", values="left_share_mean")
        err = df.pivot(index="cooks", columns="policy", values="left_share_half_width")
        ax = wide.plot(yerr=err, marker="o", capsize=3, title="Morning rush: customers who give up")
        ax.axhline(0.05, linestyle="--", color="grey")
        ax.set_ylabel("share who left (mean ± 95% half-width)")
        ax.figure.savefig(args.plot, bbox_inches="tight")
        print(f"plot written to {args.plot}")


if __name__ == "__main__":
    main()
