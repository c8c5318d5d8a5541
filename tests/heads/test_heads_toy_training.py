"""Every objective learns a toy conditional 2-D target: a two-way label (through h) picks a mixture
of two Gaussians, on the x axis for label 0 and on the y axis for label 1."""
from __future__ import annotations

import functools

import pytest
import torch

from audiodear.models.heads import build_head

pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:FutureWarning")
dcor = pytest.importorskip("dcor")

D, STEPS, BATCH = 8, 200, 256
CENTRES = torch.tensor([[[1.5, 0.0], [-1.5, 0.0]], [[0.0, 1.5], [0.0, -1.5]]])


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    # Tiny matrices: extra threads only add synchronisation, badly so on a busy 2-core machine.
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def toy_batch(n: int, g: torch.Generator, label: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    labels = torch.randint(0, 2, (n,), generator=g) if label is None else torch.full((n,), label)
    side = torch.randint(0, 2, (n,), generator=g)
    y = CENTRES[labels, side] + 0.2 * torch.randn(n, 2, generator=g)
    return torch.nn.functional.one_hot(labels, D).float(), y


def fresh(kind: str) -> torch.nn.Module:
    torch.manual_seed(0)
    return build_head(kind, 2, D, width=64, depth=2)


def held_out_loss(head, kind: str) -> float:
    """Mean loss on fixed data and fixed draws. MeanFlow's target moves with the network for r < t,
    so its fixed yardstick is the r = t part (plain squared error to v, no adaptive weight)."""
    g = torch.Generator().manual_seed(1)
    h, y = toy_batch(2048, g)
    draws = head.draw(2048, g, "cpu")
    p = getattr(head, "adaptive_p", None)
    if kind == "meanflow":
        draws["u_equal"] = torch.ones(2048)
        head.adaptive_p = 0.0
    with torch.no_grad():
        value = head.loss(h, y, draws).mean().item()
    if kind == "meanflow":
        head.adaptive_p = p
    return value


@functools.lru_cache(maxsize=None)
def trained(kind: str) -> torch.nn.Module:
    head = fresh(kind)
    g = torch.Generator().manual_seed(2)
    opt = torch.optim.Adam(head.parameters(), lr=2e-3)
    for _ in range(STEPS):
        h, y = toy_batch(BATCH, g)
        loss = head.loss(h, y, head.draw(BATCH, g, "cpu")).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return head


def sample_energy_distance(head) -> float:
    g = torch.Generator().manual_seed(5)
    total = 0.0
    for label in (0, 1):
        h, y = toy_batch(1000, g, label)
        total += dcor.energy_distance(head.sample(h, g).numpy(), y.numpy())
    return total / 2


@pytest.mark.parametrize("kind", ["flow_matching", "shortcut", "meanflow", "energy", "diffusion"])
def test_loss_decreases(kind):
    initial, final = held_out_loss(fresh(kind), kind), held_out_loss(trained(kind), kind)
    assert final < 0.8 * initial, (initial, final)


@pytest.mark.parametrize("kind", ["energy", "shortcut", "meanflow"])
def test_one_step_samples_approach_the_target(kind):
    """At initialisation (zeroed output layer) the energy head puts every sample at the origin and
    the flow heads return their input noise; training must move the one-step samples onto the
    label's two modes. (One-step flow matching cannot: its single Euler step from t = 1 lands on
    the conditional mean, the origin here, so it is left out.)"""
    before, after = sample_energy_distance(fresh(kind)), sample_energy_distance(trained(kind))
    assert after < 0.5 * before, (before, after)
