"""The text stage of one split from the plan: which clips, in which order, with which caption."""
import pytest
import torch

from audiodear.config import compose
from audiodear.data.corpus.build import build_corpus
from audiodear.data.testset import resolve_testset
from audiodear.errors import ManifestError
from audiodear.text.clap_small import ClapConfig, SmallClap, save_clap
from audiodear.text.embed import embed_split_from_plan


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("text_corpus")
    rows = build_corpus(root / "audio", root / "manifest.csv", seed=3, sizes={"train": 4, "valid": 1, "test": 3},
                        clip_seconds=2.56, sample_rate=16000, two_event_fraction=0.0, uncaptioned_fraction=0.5)
    torch.manual_seed(0)
    save_clap(SmallClap(ClapConfig(text_tower="scratch", channels=(4, 8), text_width=16, embed_dim=8)), root / "clap")
    return root, rows


def test_test_split_follows_the_definition_with_its_captions(corpus):
    root, rows = corpus
    plan = compose("smoke")
    testset = resolve_testset(rows, None)[::-1]  # not the manifest's order
    testset[0] = {**testset[0], "caption": "a caption only the definition holds"}
    cache = embed_split_from_plan(plan, "test", rows, testset, root / "audio", [str(root / "clap")])
    assert cache.ids == [c["id"] for c in testset]
    assert cache.captions == [c["caption"] for c in testset] and bool(cache.captioned.all())
    assert tuple(cache.t5.shape) == (3, plan.text.text_slot.max_tokens, 384)
    assert tuple(cache.clap_text.shape) == tuple(cache.clap_audio.shape) == (3, 8)


def test_train_split_keeps_the_manifest_order_and_its_uncaptioned_clips(corpus):
    root, rows = corpus
    train = [r for r in rows if r["split"] == "train"]
    assert {r["captioned"] for r in train} == {True, False}  # the corpus draws both
    cache = embed_split_from_plan(compose("smoke"), "train", rows, [], root / "audio", [str(root / "clap")])
    assert cache.ids == [r["id"] for r in train]
    assert cache.captioned.tolist() == [r["captioned"] for r in train]
    assert cache.captions == [r["caption"] if r["captioned"] else "" for r in train]
    assert not cache.clap_text[~cache.captioned].any() and cache.clap_audio.abs().sum(-1).gt(0).all()


def test_a_test_clip_outside_the_test_split_is_refused(corpus):
    root, rows = corpus
    train_clip = next(r for r in rows if r["split"] == "train")
    with pytest.raises(ManifestError, match=train_clip["id"]):
        embed_split_from_plan(compose("smoke"), "test", rows, [{"id": train_clip["id"], "caption": "x"}],
                              root / "audio", [str(root / "clap")])
