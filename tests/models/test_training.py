"""The training loop: resume = uninterrupted, NaN guard, DDP = one process, distillation variants."""
import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from omegaconf import OmegaConf

from audiodear.errors import TrainingError
from audiodear.models.generator_file import load_weights
from audiodear.train.data import TokenData
from audiodear.train.launch import launch, train_from_plan, training_job
from audiodear.config.schema import Train
from audiodear.config.variants import student_variant
from audiodear.train.loop import CHECKPOINT, train
from audiodear.train.objectives import Batch, StudentObjective, TeacherObjective
from tiny import tiny_data, tiny_model, tiny_plan, write_training_inputs

HERE = Path(__file__).parent


def _cfg(**kw):
    base = dict(steps=6, batch_size=4, lr=1e-3, warmup_steps=2, ema_decay=0.9, checkpoint_every=3, log_every=3,
                precision="fp32")
    return Train(**{**base, **kw})


def _run(tmp, steps, workdir="work"):
    model = tiny_model(seed=0)
    _, tokens, text = tiny_data(16)
    out = train(model, TeacherObjective(0, 0.1), TokenData(tokens, text.sequence()), _cfg(steps=steps),
                tmp / workdir, tmp / f"{workdir}.jsonl", config_hash="h", seed=0)
    return model, out["ema"]


def test_resume_equals_uninterrupted(tmp_path):
    _run(tmp_path, steps=3, workdir="a")  # the run that is "killed" after its checkpoint at step 3
    resumed, ema_resumed = _run(tmp_path, steps=6, workdir="a")
    straight, ema_straight = _run(tmp_path, steps=6, workdir="b")
    for (k, v), w in zip(resumed.state_dict().items(), straight.state_dict().values()):
        assert torch.equal(v, w), k
    for k in ema_straight:
        assert torch.equal(ema_resumed[k], ema_straight[k]), k
    lines = (tmp_path / "a.jsonl").read_text().splitlines()
    assert [json.loads(x)["step"] for x in lines] == [1, 2, 3, 4, 5, 6]


def test_non_finite_loss_stops_and_keeps_the_last_good_checkpoint(tmp_path):
    model = tiny_model()
    _, tokens, text = tiny_data(16)
    tokens[:] = torch.where(torch.arange(16).view(16, 1, 1) == 15, torch.nan, tokens)  # one poisoned clip
    cfg = _cfg(steps=40, checkpoint_every=1)
    with pytest.raises(TrainingError, match=r"non-finite loss .* at step (\d+); the last good checkpoint is kept"):
        train(model, TeacherObjective(0, 0.0), TokenData(tokens, text.sequence()), cfg, tmp_path / "w", tmp_path / "l.jsonl", "h", seed=0)
    ckpt = tmp_path / "w" / CHECKPOINT
    from safetensors import safe_open
    with safe_open(str(ckpt), framework="pt") as f:
        step = int(f.metadata()["step"])
        assert all(torch.isfinite(f.get_tensor(k)).all() for k in f.keys() if k.startswith("model."))
    assert step >= 1


def test_lambda_zero_equals_no_distillation():
    model, teacher = tiny_model("energy", seed=0), tiny_model(seed=1)
    _, tokens, text = tiny_data(8)
    batch = Batch(tokens, text.sequence(), torch.arange(8))
    plain, _ = TeacherObjective(3, 0.1)(model, batch, 2, contextlib.nullcontext)
    student, logs = StudentObjective(teacher.backbone, 3, 0.1, 0.0)(model, batch, 2, contextlib.nullcontext)
    assert plain.item() == student.item() and "loss_distill" not in logs
    distilled, logs = StudentObjective(teacher.backbone, 3, 0.1, 10.0)(model, batch, 2, contextlib.nullcontext)
    assert logs["loss_distill"] > 0 and distilled.item() == pytest.approx(plain.item() + 10.0 * logs["loss_distill"], rel=1e-5)


def _plan(**train):
    plan = tiny_plan(**{"steps": 4, "batch_size": 8, "checkpoint_every": 2, "warmup_steps": 1, **train})
    return OmegaConf.merge(plan, {"student": {"train": {"steps": 3, "batch_size": 8}}})


def _paths(tmp, role, inputs, teacher=None):
    lat, text = inputs
    return {"latents": str(lat), "text": str(text), "teacher": teacher, "model": str(tmp / role / "model.safetensors"),
            "loss_log": str(tmp / role / "loss.jsonl"), "workdir": str(tmp / "scratch" / role), "log": None}


def _job(tmp, role, inputs, variant=None, teacher=None):
    """The job file the training rule writes (train.launch.training_job)."""
    return training_job(_plan(), role, variant, _paths(tmp, role, inputs, teacher))


def test_frozen_student_keeps_the_teacher_backbone_bit_identical(tmp_path):
    inputs = write_training_inputs(tmp_path / "in")
    teacher_job = _job(tmp_path, "teacher", inputs)
    launch(teacher_job, tmp_path / "t.json")
    job = _job(tmp_path, "student", inputs, variant="main", teacher=teacher_job["model"])
    job["variant"], job["variant_settings"]["freeze_backbone"] = "frozen", True
    launch(job, tmp_path / "s.json")
    teacher, _ = load_weights(teacher_job["model"])
    student, meta = load_weights(job["model"])
    backbone = [k for k in teacher if k.startswith("backbone.")]
    assert backbone and all(torch.equal(student[k], teacher[k]) for k in backbone)
    assert any(not torch.equal(student[k], v) for k, v in student.items() if k.startswith("head.")) or meta["spec"]["head_kind"] == "energy"


def test_a_seed_variant_is_another_training_run_of_the_same_student(tmp_path):
    inputs = write_training_inputs(tmp_path / "in")
    teacher_job = _job(tmp_path, "teacher", inputs)
    launch(teacher_job, tmp_path / "t.json")
    weights = {}
    for name, seed in (("main", None), ("plan_seed", int(_plan().seed)), ("replicate", int(_plan().seed) + 1)):
        job = _job(tmp_path / name, "student", inputs, variant="main", teacher=teacher_job["model"])
        job["variant_settings"]["seed"] = seed
        launch(job, tmp_path / f"{name}.json")
        weights[name] = load_weights(job["model"])[0]
    # the plan's seed stated explicitly is the default run, bit for bit; another seed trains another head
    assert all(torch.equal(weights["main"][k], v) for k, v in weights["plan_seed"].items())
    heads = [k for k in weights["main"] if k.startswith("head.")]
    assert any(not torch.equal(weights["main"][k], weights["replicate"][k]) for k in heads)


def test_a_variant_may_train_longer_than_the_plan_and_starts_on_the_same_path(tmp_path):
    """``train_steps`` of a variant: the headline students of the medium experiment train 4x the
    ablation budget; the first steps of the longer run are the shorter run's (same batches, same
    schedule after warm-up), so the two budgets differ only in length."""
    inputs = write_training_inputs(tmp_path / "in")
    teacher_job = _job(tmp_path, "teacher", inputs)
    launch(teacher_job, tmp_path / "t.json")
    logs = {}
    for name, steps in (("budget", None), ("longer", 5)):
        job = _job(tmp_path / name, "student", inputs, variant="main", teacher=teacher_job["model"])
        job["variant_settings"]["train_steps"] = steps
        launch(job, tmp_path / f"{name}.json")
        logs[name] = [json.loads(line) for line in Path(job["loss_log"]).read_text().splitlines()]
    assert len(logs["budget"]) == _plan().student.train.steps == 3 and len(logs["longer"]) == 5
    assert logs["longer"][:3] == logs["budget"]


def test_ddp_two_gloo_processes_match_one_process(tmp_path):
    """Gradients of one step: torchrun with 2 gloo processes on CPU = one process on the whole batch."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(HERE.parents[1] / "src")]), "OMP_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2",
                           str(HERE / "ddp_worker.py"), str(tmp_path / "ddp.pt")], env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    ddp = torch.load(tmp_path / "ddp.pt", weights_only=True)
    model = tiny_model(seed=0)
    _, tokens, text = tiny_data(16)
    data = TokenData(tokens, text.sequence())
    loss, _ = TeacherObjective(0, 0.1)(model, data.batch(0, 8, 0, 1, 0, "cpu"), 0, contextlib.nullcontext)
    loss.backward()
    for name, p in model.named_parameters():
        torch.testing.assert_close(ddp[name], p.grad, rtol=1e-5, atol=1e-7, msg=name)


def test_torchrun_launch_trains_with_two_processes(tmp_path):
    """The training rule's launch path with 2 processes (gloo on CPU), as a multi-GPU SLURM job runs it."""
    inputs = write_training_inputs(tmp_path / "in")
    job = _job(tmp_path, "teacher", inputs)
    os.environ["PYTHONPATH"] = os.pathsep.join([str(HERE.parents[1] / "src"), os.environ.get("PYTHONPATH", "")])
    launch(job, tmp_path / "job.json", nprocs=2)
    weights, meta = load_weights(job["model"])
    assert meta["train"]["world_size"] == 2 and meta["train"]["steps"] == 4
    assert all(torch.isfinite(v).all() for v in weights.values())


def test_frozen_backbone_stays_in_eval_mode_through_training(tmp_path):
    """With dropout on, a frozen backbone must compute the same h while the head trains as in eval
    mode (it is the teacher's network); the trainable head keeps training mode."""
    from audiodear.models.build import build_model, spec_from_preset
    from tiny import COND_DIM, COND_LEN, SEQ, TOKENS

    torch.manual_seed(0)
    model = build_model(spec_from_preset("debug", token_dim=TOKENS, seq_len=SEQ, cond_len=COND_LEN, cond_dim=COND_DIM,
                                         head_kind="energy", attn_dropout=0.3, proj_dropout=0.3))
    model.backbone.requires_grad_(False)
    seen = []  # (backbone modes, head modes, inputs, h) at every training forward pass
    hook = model.backbone.register_forward_hook(lambda m, args, out: seen.append(
        ({x.training for x in m.modules()}, {x.training for x in model.head.modules()},
         [a.detach().clone() if torch.is_tensor(a) else a for a in args], out.detach().clone())))
    _, tokens, text = tiny_data(16)
    train(model, TeacherObjective(0, 0.1), TokenData(tokens, text.sequence()), _cfg(steps=3), tmp_path / "w",
          tmp_path / "l.jsonl", "h", seed=0)
    hook.remove()
    assert len(seen) == 3
    model.eval()
    for backbone_modes, head_modes, args, h in seen:
        assert backbone_modes == {False} and head_modes == {True}
        with torch.no_grad():
            torch.testing.assert_close(model.backbone(*args), h, rtol=0, atol=0)


def test_train_from_plan_writes_the_job_file_and_returns_the_provenance_record(tmp_path):
    inputs = write_training_inputs(tmp_path / "in")
    plan = _plan(steps=2, checkpoint_every=2, precision="fp32")
    teacher = train_from_plan(plan, "teacher", None, _paths(tmp_path, "teacher", inputs))
    assert teacher == {"role": "teacher", "variant": None, "processes": 1, "precision": "fp32"}  # no MAR init
    job = json.loads((tmp_path / "scratch" / "teacher" / "job.json").read_text())
    assert job["variant_settings"] is None and job["plan"] == OmegaConf.to_container(plan)
    assert load_weights(job["model"])[1]["role"] == "teacher"

    paths = _paths(tmp_path, "student", inputs, teacher=_paths(tmp_path, "teacher", inputs)["model"])
    student = train_from_plan(plan, "student", "lambda0", paths, nprocs=1)
    assert student == {"role": "student", "variant": "lambda0", "processes": 1, "precision": "fp32"}
    job = json.loads((tmp_path / "scratch" / "student" / "job.json").read_text())
    # the variant resolved once, into the job file: the base with the entry's override
    assert job["variant_settings"] == student_variant(plan, "lambda0") and job["variant_settings"]["distill_weight"] == 0.0
    _, meta = load_weights(paths["model"])
    assert meta["role"] == "student" and meta["variant"] == "lambda0" and meta["train"]["steps"] == 3


@pytest.mark.parametrize("role,variant", [("teacher", "main"), ("student", None), ("critic", None)])
def test_a_job_with_the_wrong_variant_for_its_role_is_refused(tmp_path, role, variant):
    with pytest.raises(ValueError, match="a teacher trains without a variant and a student with one"):
        training_job(_plan(), role, variant, _paths(tmp_path, role, (tmp_path, tmp_path)))
