"""AudioDEAR reproduction workflow."""
import os

# Nothing downloads at run time: every checkpoint and tokenizer comes from a local path. Libraries
# that reach for the Hugging Face hub on their own (laion_clap fetches the roberta-base and
# bart-base tokenizers when it is imported) then fail at once instead of retrying a network call.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

__version__ = "0.1.0"
