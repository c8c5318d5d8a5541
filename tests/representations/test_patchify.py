import pytest
import torch

from audiodear.audio.patchify import patchify, token_grid, unpatchify
from audiodear.errors import ConfigError


def test_paper_latent_gives_256_tokens_of_128_dims():
    z = torch.randn(2, 8, 256, 16)
    tokens = patchify(z, 4)
    assert tokens.shape == (2, 256, 128)
    assert token_grid(256, 16, 4) == (64, 4)


def test_round_trips_are_exact():
    z = torch.randn(3, 8, 64, 16)
    assert torch.equal(unpatchify(patchify(z, 4), 4, 8, 64, 16), z)
    t = torch.randn(3, 64, 128)
    assert torch.equal(patchify(unpatchify(t, 4, 8, 64, 16), 4), t)


def test_ordering_matches_mar():
    # Token k covers grid row k // W', column k % W'; feature = c * p * p + i * p + j.
    c, h, w, p = 2, 4, 6, 2
    z = torch.arange(c * h * w, dtype=torch.float32).reshape(1, c, h, w)
    tokens = patchify(z, p)
    gw = w // p
    for k in range(tokens.shape[1]):
        row, col = divmod(k, gw)
        for ch in range(c):
            for i in range(p):
                for j in range(p):
                    assert tokens[0, k, ch * p * p + i * p + j] == z[0, ch, row * p + i, col * p + j]


@pytest.mark.parametrize("shape", [(1, 8, 10, 16), (1, 8, 16, 6)])
def test_indivisible_latent_is_refused(shape):
    with pytest.raises(ConfigError, match="patch_size"):
        patchify(torch.zeros(shape), 4)


def test_token_shape_mismatch_is_refused():
    with pytest.raises(ConfigError, match="expected"):
        unpatchify(torch.zeros(1, 64, 100), 4, 8, 64, 16)
