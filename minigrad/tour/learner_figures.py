"""Figures for learners: learning-rate sweeps, the momentum grid, the moons loss landscape.

Drawn from the numbers minigrad/tour/sweeps.py and landscape.py measure; docs/make_figures.py
runs them all.
"""

import numpy as np
from matplotlib.colors import LogNorm

from minigrad.plots import plot_trajectories
from minigrad.tour.figures import FAMILIES, _colors, _figure
from minigrad.tour.sweeps import CURVATURES, critical_momentum, polyak_choice


def lr_sweep_figure(problem, lrs, reached, paths, shown, steps):
    """Steps to tolerance against lr, a panel per family, and `shown`'s too small / about right /
    too large paths beside them. `reached` is {name: [steps or None per lr]}."""
    fig, axes = _figure(22, 4.6, 4)
    for ax, (family, members) in zip(axes, FAMILIES):
        names = [n for n in members if n in reached]
        for name, color in zip(names, _colors(len(names))):
            counts = np.array([np.nan if r is None else r for r in reached[name]], dtype=float)
            ax.plot(lrs, counts, "o-", color=color, markersize=3.5, label=name)
            if np.isfinite(counts).any():
                best = np.nanargmin(counts)
                ax.plot(lrs[best], counts[best], "*", color=color, markersize=15,
                        markeredgecolor="black")  # fmt: skip
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_ylim(0.8, steps * 1.3)
        ax.axhline(steps, color="0.3", linestyle=":", linewidth=1)
        ax.set_xlabel("learning rate (log scale)")
        ax.set_ylabel(f"steps to f - f* <= {problem.tolerance:g} (log scale)")
        ax.set_title(f"{family} (star: best lr; no point: not in {steps} steps)", fontsize="medium")
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(loc="best", fontsize="medium")
    plot_trajectories(
        problem.fn,
        paths,
        ax=axes[3],
        bounds=problem.bounds,
        minimum=problem.minimum,
        title=f"{shown}: {len(next(iter(paths.values()))) - 1} steps at three lrs",
        resolution=200,
    )
    fig.suptitle(f"Learning-rate sweep on {problem.name}, every optimizer from {problem.start}")
    return fig


def momentum_figure(lrs, momenta, measured, theory):
    """Measured convergence rate of SGD with momentum over (lr, momentum), the theoretical rate as
    contours on it, the critically damped choice and Polyak's tuning marked; measured vs theory."""
    fig, axes = _figure(15, 5.6, 2)
    ax = axes[0]
    shown = np.where(np.isfinite(measured) & (measured < 1), measured, np.nan)
    mesh = ax.pcolormesh(lrs, momenta, 1 - shown, norm=LogNorm(1e-3, 0.3), cmap="viridis",
                         shading="nearest")  # fmt: skip
    colorbar = fig.colorbar(mesh, ax=ax)
    colorbar.set_label("1 - measured rate (log scale; white: diverges or no decay)")
    contours = ax.contour(lrs, momenta, theory, levels=[0.82, 0.9, 0.95, 0.99, 0.999],
                          colors="white", linewidths=1.0, linestyles="--")  # fmt: skip
    ax.clabel(contours, fmt="theory %.3g", fontsize="small")
    fine = np.geomspace(lrs[0], lrs[-1], 200)
    ax.plot(fine, critical_momentum(fine), color="orange", linewidth=2,
            label=f"critically damped for curvature {min(CURVATURES):g}: μ = (1 - √(0.1 γ))²")  # fmt: skip
    ax.plot(fine, np.clip(fine * max(CURVATURES) / 2 - 1, 0, 1), color="red", linewidth=1.5,
            label="stability edge for curvature 10: γ·10 = 2 (1 + μ)")  # fmt: skip
    lr_star, mu_star, rate_star = polyak_choice()
    ax.plot(lr_star, mu_star, "*", color="gold", markersize=18, markeredgecolor="black",
            label=f"Polyak: γ {lr_star:.3f}, μ {mu_star:.3f}, rate {rate_star:.3f}")  # fmt: skip
    ax.set_xscale("log")
    ax.set_xlim(lrs[0], lrs[-1])
    ax.set_ylim(momenta[0], momenta[-1])
    ax.set_xlabel("learning rate γ (log scale)")
    ax.set_ylabel("momentum μ")
    ax.set_title("SGD with momentum on 0.05x² + 5y²: rate per step (smaller = faster)")
    ax.legend(loc="lower left", fontsize="small", framealpha=0.9)
    ok = np.isfinite(measured) & (theory < 1)
    axes[1].plot(theory[ok], measured[ok], ".", color=_colors(1)[0])
    axes[1].plot([0.8, 1], [0.8, 1], color="0.3", linestyle=":", label="measured = theory")
    axes[1].set_xlabel("theoretical rate: largest |root| of z² - (1 + μ - γa) z + μ")
    axes[1].set_ylabel("measured rate: fit of log ‖θ_t‖, steps 200-400")
    axes[1].set_title(f"every converging cell of the grid ({ok.sum()} runs)")
    axes[1].grid(True, alpha=0.3)
    axes[1].legend(loc="upper left")
    return fig


def landscape_figure(alphas, line_losses, random_plane, trajectory_plane):
    """Loss along the line from the initial to each final weights, and two 2-D slices with the
    trajectories projected: `*_plane` = (title, a, b, losses, {name: (coords, kept)})."""
    fig, axes = _figure(20, 5.6, 3)
    colors = dict(zip(line_losses, _colors(len(line_losses))))
    for name, losses in line_losses.items():
        axes[0].plot(alphas, losses, color=colors[name], label=name)
    axes[0].axvline(0, color="0.3", linestyle=":", linewidth=1)
    axes[0].axvline(1, color="0.3", linestyle=":", linewidth=1)
    axes[0].set_yscale("log")
    axes[0].set_xlabel("α: weights θ₀ + α (θ_final - θ₀); 0 = initial, 1 = final")
    axes[0].set_ylabel("training loss (cross-entropy, log scale)")
    axes[0].set_title("the straight line from initial to final weights")
    axes[0].grid(True, alpha=0.3)
    axes[0].legend(loc="best")
    for ax, (title, a, b, losses, projected) in zip(axes[1:], (random_plane, trajectory_plane)):
        levels = np.geomspace(max(losses.min(), 1e-3), losses.max(), 25)
        filled = ax.contourf(a, b, losses, levels=levels, norm=LogNorm(), cmap="Greys_r", alpha=0.5)
        ax.contour(a, b, losses, levels=levels, colors="0.45", linewidths=0.5)
        colorbar = fig.colorbar(filled, ax=ax, label="training loss (log scale)")
        colorbar.set_ticks([t for t in (0.05, 0.1, 0.2, 0.5, 1, 2, 5) if levels[0] <= t <= levels[-1]])
        colorbar.set_ticklabels([f"{t:g}" for t in colorbar.get_ticks()])
        for name, (coords, kept) in projected.items():
            ax.plot(coords[:, 0], coords[:, 1], ".-", color=colors[name], markersize=2,
                    label=f"{name}: the plane keeps {kept[-1]:.0%} of its move")  # fmt: skip
            ax.plot(*coords[-1], "X", color=colors[name], markersize=10, markeredgecolor="black")
        ax.plot(0, 0, "o", color="white", markeredgecolor="black", markersize=8)
        ax.set_title(title)
        ax.set_xlabel("coordinate along direction 1")
        ax.set_ylabel("coordinate along direction 2")
        ax.legend(loc="best", fontsize="small", framealpha=0.9)
    fig.suptitle("moons MLP 2-16-16-2: the loss around the common initial weights (o), SGD and Adam")
    return fig
