"""Command line: the pieces of the workflow a user may want outside Snakemake.

    audiodear config [--experiment NAME] [OVERRIDE ...] [--out FILE]
    audiodear testset MANIFEST --name NAME --seed N --out FILE
    audiodear check MANIFEST --audio-root DIR
    audiodear make-fixtures DIR [--width reduced|full] [--only NAME ...]

Training runs launched by ``torchrun`` also enter here (``audiodear train ...``).
"""
from __future__ import annotations

import argparse
import sys

from .errors import InputError


def _config(args: argparse.Namespace) -> None:
    from .config import save
    from .plan import compose
    from omegaconf import OmegaConf

    plan = compose(args.experiment, args.overrides)
    if args.out:
        save(plan, args.out)
    else:
        sys.stdout.write(OmegaConf.to_yaml(plan))


def _testset(args: argparse.Namespace) -> None:
    from .data.manifest import read_manifest
    from .data.testset import make_definition
    from .utils.atomic import write_json

    doc = make_definition(read_manifest(args.manifest), args.name, args.seed, args.protocol)
    write_json(args.out, doc)
    print(f"wrote {args.out}: {doc['n']} clips")


def _check(args: argparse.Namespace) -> None:
    from .data.checks import check_audio
    from .data.manifest import read_manifest

    print(check_audio(read_manifest(args.manifest), args.audio_root, args.sample_rate))


def _make_fixtures(args: argparse.Namespace) -> None:
    from .fixtures import make_fixtures

    make_fixtures(args.dir, args.width, args.seed, args.only)


def _train(args: argparse.Namespace) -> None:
    from .train.entry import main as train_main

    train_main(args.job)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="audiodear", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("config", help="print or save the composed configuration")
    p.add_argument("--experiment", default="default")
    p.add_argument("--out", help="write the composed plan here (YAML) instead of printing it")
    p.add_argument("overrides", nargs="*", help="Hydra overrides, e.g. train.steps=100")
    p.set_defaults(func=_config)

    p = sub.add_parser("testset", help="write a versioned test-set definition (one caption per test clip)")
    p.add_argument("manifest")
    p.add_argument("--name", required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--protocol", default="AudioLDM: one caption drawn at random per test clip")
    p.add_argument("--out", required=True)
    p.set_defaults(func=_testset)

    p = sub.add_parser("check", help="check every clip of a normalised manifest")
    p.add_argument("manifest")
    p.add_argument("--audio-root", required=True)
    p.add_argument("--sample-rate", type=int, default=16000)
    p.set_defaults(func=_check)

    p = sub.add_parser("make-fixtures", help="write random-weight checkpoints in the published formats under DIR, "
                                             "at the paths the paper preset reads (data/checkpoints/...)")
    p.add_argument("dir", help="a workflow root (or any folder): files go to DIR/data/checkpoints/...")
    p.add_argument("--width", choices=("reduced", "full"), default="reduced",
                   help="full: the published sizes (about 5 GB); reduced: narrow tensors, same formats")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--only", nargs="+", help="a subset: vae vocoder flan_t5 laion_clap mar cnn14 vggish hf_clap")
    p.set_defaults(func=_make_fixtures)

    p = sub.add_parser("train", help="run one training job from its job file (what torchrun launches)")
    p.add_argument("job", help="JSON job file written by the training rule")
    p.set_defaults(func=_train)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
