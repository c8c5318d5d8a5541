"""Tokenizers built offline from fixed vocabularies, so ids and vocabulary sizes never vary.

Trained tokenizers (tokenizers' UnigramTrainer) are not deterministic; a fixed vocabulary is.
"""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

WORDS = ("a dog barks while rain falls on roof bird sings engine hums door slams the in of "
         "car horn honks water drips wind blows").split()
# Vocabulary sizes (the tests pin them): RoBERTa-style 4 specials + 24 words = 28;
# T5-style 3 specials + 24 words + 26 letters + "\u2581" = 54.


@pytest.fixture(scope="session")
def roberta_style_tokenizer():
    """A RoBERTa-like tokenizer (<s> ... </s>, pad id 1) over a fixed word list."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for word in WORDS:
        vocab[word] = len(vocab)
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.RobertaProcessing(("</s>", 2), ("<s>", 0))
    return PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
                                   unk_token="<unk>", cls_token="<s>", sep_token="</s>", model_max_length=77)


@pytest.fixture(scope="session")
def t5_style_tokenizer():
    """A SentencePiece-like Unigram tokenizer (pad 0, </s> 1, unk 2) from fixed pieces and scores."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    pieces = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)]
    pieces += [("\u2581" + w, -1.0 - 0.01 * i) for i, w in enumerate(WORDS)]
    pieces += [(c, -10.0) for c in "abcdefghijklmnopqrstuvwxyz"] + [("\u2581", -5.0)]
    tok = Tokenizer(models.Unigram(pieces, unk_id=2))
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    tok.post_processor = processors.TemplateProcessing(single="$A </s>", pair="$A </s> $B </s>",
                                                       special_tokens=[("</s>", 1)])
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="</s>", unk_token="<unk>",
                                   model_max_length=77)
