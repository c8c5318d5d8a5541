"""Tokenizers built offline from fixed vocabularies, so ids and vocabulary sizes never vary
(the fixture builder's, ``audiodear.fixtures.tokenizers``)."""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

# Vocabulary sizes (the tests pin them): RoBERTa-style 4 specials + 24 words = 28;
# T5-style 3 specials + 24 words + 26 letters + "\u2581" = 54.


@pytest.fixture(scope="session")
def roberta_style_tokenizer():
    """A RoBERTa-like tokenizer (<s> ... </s>, pad id 1) over a fixed word list."""
    from audiodear.fixtures.tokenizers import roberta_style_tokenizer as build
    return build()


@pytest.fixture(scope="session")
def t5_style_tokenizer():
    """A SentencePiece-like Unigram tokenizer (pad 0, </s> 1, unk 2) from fixed pieces and scores."""
    from audiodear.fixtures.tokenizers import t5_style_tokenizer as build
    return build()
