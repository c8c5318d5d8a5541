"""VGGish: torchvggish's network with random weights, saved as its released state dict, loaded
through our loader with the network switched off; frames are 128-d pre-ReLU embeddings."""
from __future__ import annotations

import socket

import numpy as np
import pytest
import torch
import torch.nn as nn

from audiodear.errors import CheckpointError, ConfigError
from audiodear.eval.backbones import load_backbone
from audiodear.eval.backbones.vggish import build_vggish, save_vggish


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(torch.hub, "load_state_dict_from_url", refuse)


def test_round_trip_and_audioldm_eval_head(tmp_path, no_network):
    torch.manual_seed(0)
    reference = build_vggish().eval()
    path = tmp_path / "vggish-10086976.pth"
    save_vggish(reference, path)
    assert set(torch.load(path, weights_only=True)) == set(reference.state_dict())

    backbone = load_backbone("vggish", path)
    assert backbone.checkpoint == "vggish-10086976.pth" and backbone.sample_rate == 16000
    assert not isinstance(list(backbone.model.embeddings.children())[-1], nn.ReLU)

    wave = (0.1 * np.random.default_rng(0).standard_normal(160000)).astype(np.float32)  # 10 s
    out = backbone.embed([wave, wave[:32000]], 16000)
    # 10 s -> 10 frames of 0.96 s; 2 s -> 2 frames
    np.testing.assert_array_equal(out["frame_clip_index"], [0] * 10 + [1] * 2)
    assert out["frame_embedding"].shape == (12, 128)

    # audioldm_eval's FAD model: torchvggish with postprocess off and the last ReLU cut, fed
    # vggish_input.waveform_to_examples(audio, sr) as its forward(x, fs) does
    from torchvggish.vggish_input import waveform_to_examples

    reference.embeddings = nn.Sequential(*list(reference.embeddings.children())[:-1])
    with torch.no_grad():
        expected = reference(waveform_to_examples(wave.astype(np.float64), 16000)).numpy()
    np.testing.assert_allclose(out["frame_embedding"][:10], expected, rtol=1e-5, atol=1e-6)
    assert (out["frame_embedding"] < 0).any()  # pre-activation values


def test_wrong_state_dict_is_a_config_error(tmp_path):
    torch.save({"features.0.weight": torch.zeros(1)}, tmp_path / "bad.pth")
    with pytest.raises(ConfigError, match="VGGish"):
        load_backbone("vggish", tmp_path / "bad.pth")


def test_the_pca_parameters_file_is_refused(tmp_path):
    """vggish_pca_params-970ea276.pth: the postprocessor's PCA matrix and means, no network weights."""
    path = tmp_path / "vggish_pca_params-970ea276.pth"
    torch.save({"pca_eigen_vectors": torch.randn(128, 128), "pca_means": torch.randn(128)}, path)
    with pytest.raises(CheckpointError, match=rf"{path}: not torchvggish's VGGish state dict; 18 tensor\(s\) of the model "
                                              r"are missing.*not in the model: pca_eigen_vectors, pca_means"):
        load_backbone("vggish", path)
