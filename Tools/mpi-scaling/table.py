"""Where data-parallel training stops scaling: the ring-allreduce estimate of docs/scaling.md.

Usage: python3 Tools/mpi-scaling/table.py PARAMETERS SECONDS_PER_UPDATE [LATENCY_US] > docs/scaling-table.md
Writes docs/scaling.svg (efficiency against ranks at a few network speeds) beside the table.

Model: the gradient allreduce is not overlapped with computation (SwiftNMT sums after the backward
pass), so an update takes t_compute + t_allreduce. A ring allreduce of B bytes over N ranks sends and
receives 2(N-1)/N * B bytes per rank in 2(N-1) steps: t_allreduce = 2(N-1)/N * B / bandwidth + 2(N-1) * latency.
Efficiency = t_compute / (t_compute + t_allreduce); scaling is "linear" while it stays above 90 %.
"""
import os
import sys

parameters = int(sys.argv[1])
t_compute = float(sys.argv[2])
latency = float(sys.argv[3]) * 1e-6 if len(sys.argv) > 3 else 50e-6
size = 4 * parameters  # bytes per allreduce: float32 gradients
ranks = [2, 4, 8, 16, 32, 64]


def allreduce(n, bandwidth_bytes):
    return 2 * (n - 1) / n * size / bandwidth_bytes + 2 * (n - 1) * latency


def bandwidth_for(n, efficiency):
    """Bytes/s at which efficiency is reached, or None when latency alone forbids it."""
    budget = t_compute * (1 / efficiency - 1) - 2 * (n - 1) * latency
    return 2 * (n - 1) / n * size / budget if budget > 0 else None


def gbit(b):
    return "never" if b is None else f"{b * 8 / 1e9:.2f}"


print(f"Parameters {parameters:,}; {size / 2**20:.1f} MiB per allreduce; measured compute time per update "
      f"{t_compute * 1000:.0f} ms; latency per ring step {latency * 1e6:.0f} µs.\n")
print("| ranks N | sent and received per rank per update | network for 90 % efficiency | for 50 % | efficiency at 10 Gbit/s | at 1 Gbit/s |")
print("|---|---|---|---|---|---|")
for n in ranks:
    per_rank = 2 * (n - 1) / n * size
    e10 = t_compute / (t_compute + allreduce(n, 10e9 / 8))
    e1 = t_compute / (t_compute + allreduce(n, 1e9 / 8))
    print(f"| {n} | {per_rank / 2**20:.1f} MiB | {gbit(bandwidth_for(n, 0.9))} Gbit/s | {gbit(bandwidth_for(n, 0.5))} Gbit/s "
          f"| {100 * e10:.0f} % | {100 * e1:.0f} % |")

# The picture: efficiency against N for four network speeds.
W, H, L, R, T, B = 560, 320, 60, 150, 20, 50
speeds = [(1, "#d62728"), (10, "#ff7f0e"), (25, "#2ca02c"), (100, "#1f77b4")]
xs = list(range(2, 65))
def x(n):
    import math
    return L + (W - L - R) * (math.log2(n) - 1) / 5
def y(e):
    return T + (H - T - B) * (1 - e)
parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
         f'<rect width="{W}" height="{H}" fill="white"/>']
for e in [0, 0.25, 0.5, 0.75, 0.9, 1]:
    parts.append(f'<line x1="{L}" x2="{W - R}" y1="{y(e):.1f}" y2="{y(e):.1f}" stroke="#ddd"/>')
    parts.append(f'<text x="{L - 6}" y="{y(e) + 4:.1f}" text-anchor="end">{int(e * 100)} %</text>')
for n in ranks:
    parts.append(f'<text x="{x(n):.1f}" y="{H - B + 16}" text-anchor="middle">{n}</text>')
parts.append(f'<text x="{(L + W - R) / 2}" y="{H - 12}" text-anchor="middle">ranks N (ring allreduce, not overlapped)</text>')
parts.append(f'<text x="14" y="{(T + H - B) / 2}" transform="rotate(-90 14 {(T + H - B) / 2})" text-anchor="middle">scaling efficiency</text>')
for i, (gbps, colour) in enumerate(speeds):
    points = " ".join(f"{x(n):.1f},{y(t_compute / (t_compute + allreduce(n, gbps * 1e9 / 8))):.1f}" for n in xs)
    parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
    parts.append(f'<text x="{W - R + 10}" y="{T + 16 + 18 * i}" fill="{colour}">{gbps} Gbit/s</text>')
parts.append("</svg>")
out = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "scaling.svg")
with open(out + ".tmp", "w") as f:
    f.write("\n".join(parts) + "\n")
os.replace(out + ".tmp", out)
