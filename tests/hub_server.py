"""A local stand-in for the Hugging Face Hub, for tests and benchmarks of `carbon-card audit`.

It serves, on 127.0.0.1, the routes that `huggingface_hub` (2.x) calls for an audit and a
pull request, read from the client's source rather than guessed:

- `GET /api/models` (`HfApi.list_models`, huggingface_hub's `paginate`): `author`, `search`,
  `sort=downloads`, `limit` (the page's size, up to `page_size`), `expand` (the fields of each
  entry: `sha`, `siblings` (names only, as the Hub lists them), `createdAt`, `safetensors`, ...);
  pages linked by a `Link: <...>; rel="next"` header, as the Hub does;
- `GET /api/models/{id}` and `/api/models/{id}/revision/{rev}` (`model_info`): `sha`,
  `downloads`, `siblings` (with `size` when `blobs=true`), and what the Hub says of the model
  (`createdAt`, `likes`, `library_name`, `pipeline_tag`, `tags` from the card's metadata, and
  `safetensors` counted from the weights' headers; `metadata=False` leaves them out);
- `HEAD` and `GET /{id}/resolve/{rev}/{file}` (`hf_hub_download`,
  `parse_safetensors_file_metadata`): `X-Repo-Commit`, `ETag`, `Content-Length`, and
  `Range` requests answered with 206 for safetensors headers;
- dataset repositories, for `HfFileSystem` (`hf://datasets/...`): `GET /api/datasets/{id}` and
  `.../revision/{rev}` (`repo_info`), `GET /api/datasets/{id}/tree/{rev}[/{path}]` (`list_repo_tree`,
  `recursive`, pages linked by `Link`), `POST /api/datasets/{id}/paths-info/{rev}` (`get_paths_info`),
  and `HEAD`/`GET /datasets/{id}/resolve/{rev}/{file}` with `Range` (`HfFileSystemFile` reads
  a file a block at a time);
- `POST /api/validate-yaml`, `POST /api/models/{id}/preupload/{rev}`,
  `POST /api/models/{id}/commit/{rev}` (`create_commit`, with `create_pr=1` and
  `parentCommit`), `GET /api/models/{id}/discussions` (`get_repo_discussions`).

Errors carry the `X-Error-Code` headers `hf_raise_for_status` reads (RepoNotFound,
RevisionNotFound, EntryNotFound). Rate limits can be enforced per bucket (`api`, `resolvers`),
in fixed windows (`limits`: `FREE_ACCOUNT`, or the same quotas over shorter windows): every
answer carries the `RateLimit` and `RateLimit-Policy` headers the Hub sends, and a request over
the quota is answered 429 with `Retry-After`. Faults can be injected per route and repository:
latency, 429 with `Retry-After`, 500, a response slower than the client's timeout, a body cut
short, a `Range` ignored, a body with no `Content-Length`, headers of one's choosing. Hostile repositories can list a file with
no size or a false one (`Repo.listed`) and hold files too large to keep in memory (`Huge`,
served a chunk at a time); `HubServer.sent` counts the bytes of each file sent.

The repositories are synthetic, built from the real cards of `tests/corpus/` with small
`config.json`, safetensors, `trainer_state.json` and `emissions.csv` files for some of them.

Run it alone (for the benchmarks): `python tests/hub_server.py --models 1000 --latency 0.05`
prints its URL, then serves until stdin closes or it is interrupted (`--help` for the page size
and the rate limits).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
import re
import socket
import struct
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, quote, unquote, urlencode, urlsplit

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
sys.path.insert(0, str(CORPUS))

from castano import castano_rows, rebuild_card  # the corpus helpers

MISSING = object()
"""A field left out of a listing entry (`Repo.listed_as`)."""

PAGE_SIZE = 50
"""Models per page of `/api/models`: small, so that tests cross pages."""

DATE = "2024-05-01T00:00:00.000Z"


def git_sha1(data: bytes | Huge) -> str:
    """The git blob id of some bytes: the `ETag` and `oid` the Hub gives regular files."""
    if isinstance(data, Huge):  # not the real id: hashing gigabytes would slow every test
        return hashlib.sha1(repr((data.size, data.prefix, data.fill, data.start)).encode()).hexdigest()
    return hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest()


class Huge:
    """A file too large to hold in memory: `prefix`, then the byte `fill` repeated, `size` bytes
    in all. Slicing gives a view; the server sends it a chunk at a time."""

    CHUNK = 64 * 1024

    def __init__(self, size: int, prefix: bytes = b"", fill: bytes = b"\x00", start: int = 0):
        self.size, self.prefix, self.fill, self.start = size, prefix, fill, start

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, part: slice) -> Huge:
        first, stop, _ = part.indices(self.size)
        return Huge(max(stop - first, 0), self.prefix, self.fill, self.start + first)

    def chunks(self) -> Iterator[bytes]:
        at, end = self.start, self.start + self.size
        while at < end:
            stop = min(end, at + self.CHUNK)
            head = self.prefix[at:stop]
            yield head + self.fill * (stop - at - len(head))
            at = stop


# --------------------------------------------------------------------------- repositories


@dataclass
class Commit:
    sha: str
    files: dict[str, bytes]


@dataclass
class PullRequest:
    num: int
    title: str
    description: str
    base: str
    """The commit the pull request was opened from."""
    commits: list[Commit]
    status: str = "open"
    author: str = "carbon-card-user"
    comments: list[str] = field(default_factory=list)

    @property
    def head(self) -> Commit:
        return self.commits[-1]


@dataclass
class Repo:
    repo_id: str
    commits: list[Commit]
    """Oldest first; the last one is `main`."""
    downloads: int = 0
    pulls: list[PullRequest] = field(default_factory=list)
    listed: dict[str, int | None] = field(default_factory=dict)
    """What the file list says of a file's size when it lies (a number) or says nothing (None)."""
    created_at: str | None = DATE
    """`createdAt` as the Hub writes it; None: not given (the Hub has none before 2022-03)."""
    last_modified: str = DATE
    likes: int = 0
    listed_as: dict = field(default_factory=dict)
    """Fields of its entry in the model listing that lie: field -> value (`MISSING`: left out)."""

    @property
    def main(self) -> Commit:
        return self.commits[-1]

    def at(self, revision: str) -> Commit | None:
        """The commit a revision names: `main`, a commit id (or its prefix), `refs/pr/N`."""
        if revision == "main":
            return self.main
        if match := re.fullmatch(r"refs/pr/(\d+)", revision):
            pull = next((p for p in self.pulls if p.num == int(match[1])), None)
            return pull.head if pull else None
        every = self.commits + [c for p in self.pulls for c in p.commits]
        return next((c for c in every if len(revision) >= 7 and c.sha.startswith(revision)), None)


def make_repo(repo_id: str, *revisions: dict[str, bytes | Huge], downloads: int = 0,
              listed: dict[str, int | None] | None = None, **about) -> Repo:
    """A repository whose commits hold these files (oldest first), with stable commit ids;
    `listed` gives the sizes its file list states instead of the real ones; `about` sets what the
    Hub says of it (`created_at`, `last_modified`, `likes`)."""
    commits, parent = [], ""
    for files in revisions:
        digest = hashlib.sha1(parent.encode() + repo_id.encode())
        for name in sorted(files):
            digest.update(name.encode() + b"\x00" + git_sha1(files[name]).encode())
        parent = digest.hexdigest()
        commits.append(Commit(parent, dict(files)))
    return Repo(repo_id, commits, downloads, listed=dict(listed or {}), **about)


# --------------------------------------------------------------------------- side files


def safetensors_bytes(tensors: Iterable[tuple[str, str, list[int]]]) -> bytes:
    """A complete safetensors file (8-byte header length, JSON header, zeroed data)."""
    sizes = {"F32": 4, "F16": 2, "BF16": 2, "I64": 8}
    header: dict = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name, dtype, shape in tensors:
        count = 1
        for dim in shape:
            count *= dim
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + count * sizes[dtype]]}
        offset += count * sizes[dtype]
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + bytes(offset)


def _dense(prefix: str, width: int, layers: int) -> list[tuple[str, str, list[int]]]:
    tensors = [(f"{prefix}embed_tokens.weight", "BF16", [64, width])]
    for layer in range(layers):
        tensors += [(f"{prefix}layers.{layer}.mlp.up_proj.weight", "BF16", [width * 2, width]),
                    (f"{prefix}layers.{layer}.mlp.down_proj.weight", "BF16", [width, width * 2])]
    return tensors


def _moe(width: int, experts: int) -> list[tuple[str, str, list[int]]]:
    tensors = [("model.embed_tokens.weight", "BF16", [64, width])]
    for expert in range(experts):
        tensors.append((f"model.layers.0.mlp.experts.{expert}.w1.weight", "BF16", [width, width]))
    return tensors


TRAINER_STATE = json.dumps({
    "total_flos": 3.2e16,
    "num_input_tokens_seen": 0,
    "log_history": [{"loss": 2.1, "step": 10}, {"train_runtime": 5400.0, "step": 20}],
}).encode()

EMISSIONS_CSV = (
    b"timestamp,run_id,duration,emissions,energy_consumed,country_name,region,cloud_provider,gpu_count,gpu_model\n"
    b"2024-01-01T00:00:00,run-1,7200,1.25,3.1,France,,,4,4 x NVIDIA A100-SXM4-40GB\n"
)


def side_files(index: int) -> dict[str, bytes]:
    """The files beside the card of the `index`-th synthetic repository, varied by index."""
    files: dict[str, bytes] = {}
    kind = index % 6
    if kind == 1:  # one safetensors file and its config
        files["config.json"] = json.dumps({"model_type": "llama", "torch_dtype": "bfloat16"}).encode()
        files["model.safetensors"] = safetensors_bytes(_dense("model.", 16 + index % 7, 2))
    elif kind == 2:  # sharded weights with their index
        shards = {"model-00001-of-00002.safetensors": _dense("model.a.", 16, 1),
                  "model-00002-of-00002.safetensors": _dense("model.b.", 24, 1)}
        weight_map = {name: shard for shard, tensors in shards.items() for name, _, _ in tensors}
        for shard, tensors in shards.items():
            files[shard] = safetensors_bytes(tensors)
        files["model.safetensors.index.json"] = json.dumps({"metadata": {"total_size": 9999},
                                                            "weight_map": weight_map}).encode()
        files["config.json"] = json.dumps({"model_type": "llama"}).encode()
    elif kind == 3:  # a Trainer run
        files["trainer_state.json"] = TRAINER_STATE
        files["pytorch_model.bin"] = b"\x00" * 16  # a file carbon-card never asks for
    elif kind == 4:  # a mixture of experts
        files["config.json"] = json.dumps({"num_local_experts": 4, "num_experts_per_tok": 2}).encode()
        files["model.safetensors"] = safetensors_bytes(_moe(16, 4))
    elif kind == 5 and index % 4 == 1:  # CodeCarbon's log
        files["emissions.csv"] = EMISSIONS_CSV
    return files


# --------------------------------------------------------------------------- the synthetic Hub

REAL_CARDS = CORPUS / "cards-real"


def _real_card_ids() -> Iterator[tuple[str, str]]:
    """(repo id, file name) of the real cards; an older revision keeps its `--rev-` suffix."""
    lines = (REAL_CARDS / "index.tsv").read_text(encoding="utf-8").splitlines()[1:]
    for line in lines:
        name, described = line.split("\t")[:2]
        yield described.split(" ")[0], name


def _downloads(repo_id: str) -> int:
    return int(hashlib.sha1(repo_id.encode()).hexdigest()[:8], 16) % 2_000_000


def _card(front: str, body: str = "# Model\n\nA synthetic card for the carbon-card tests.\n") -> bytes:
    return f"---\n{front}---\n{body}".encode()


def special_repos() -> list[Repo]:
    """Repositories for lineage, cards without front matter, and unreadable cards."""
    weights = safetensors_bytes(_dense("model.", 32, 2))
    return [
        make_repo("lineage/tiny-root", {
            "README.md": _card("co2_eq_emissions:\n  emissions: 125000\n  source: CodeCarbon\n"
                               "  training_type: pre-training\n  geographical_location: France\n"
                               "  hardware_used: 8 x A100\n"),
            "model.safetensors": weights}, downloads=900_000),
        make_repo("lineage/tiny-base", {
            "README.md": _card("base_model: lineage/tiny-root\nlicense: mit\n"),
            "config.json": b'{"model_type": "llama"}', "model.safetensors": weights}, downloads=800_000),
        make_repo("lineage/tiny-ft", {
            "README.md": _card("base_model: lineage/tiny-base\npipeline_tag: text-generation\n"),
            "trainer_state.json": TRAINER_STATE}, downloads=700_000),
        make_repo("lineage/loop-a", {"README.md": _card("base_model: lineage/loop-b\n")}, downloads=11),
        make_repo("lineage/loop-b", {"README.md": _card("base_model: lineage/loop-a\n")}, downloads=10),
        make_repo("lineage/orphan", {"README.md": _card("base_model: gone/missing-model\n")}, downloads=12),
        make_repo("plain/no-front-matter", {"README.md": b"# A model\n\nNo metadata at all.\n"}, downloads=5),
        make_repo("plain/no-card", {"config.json": b'{"model_type": "bert"}'}, downloads=4),
        make_repo("broken/binary-card", {"README.md": b"---\nlicense: mit\n---\n\x00\x01\x02 binary"}, downloads=3),
        *weight_repos(),
    ]


def weight_repos() -> list[Repo]:
    """The other ways weights are laid out: shards without an index, an index missing a shard,
    an adapter, and headers that are broken or lie about their sizes."""
    card = _card("license: apache-2.0\n")
    one, two = safetensors_bytes(_dense("a.", 16, 1)), safetensors_bytes(_dense("b.", 16, 1))
    index = json.dumps({"metadata": {"total_size": 123456},
                        "weight_map": {"a.embed_tokens.weight": "model-00001-of-00002.safetensors",
                                       "b.embed_tokens.weight": "model-00002-of-00002.safetensors"}}).encode()
    lying = json.dumps({"w": {"dtype": "F32", "shape": [100, 100], "data_offsets": [0, 16]}}).encode()
    return [
        make_repo("weights/shards-no-index", {"README.md": card, "model-00001-of-00002.safetensors": one,
                                              "model-00002-of-00002.safetensors": two}, downloads=9),
        make_repo("weights/incomplete-index", {"README.md": card, "model.safetensors.index.json": index,
                                               "model-00001-of-00002.safetensors": one}, downloads=8),
        make_repo("weights/adapter", {"README.md": card, "adapter_model.safetensors": one}, downloads=7),
        make_repo("weights/lying-header", {"README.md": card,
                                           "model.safetensors": struct.pack("<Q", len(lying)) + lying + bytes(16)},
                  downloads=6),
        make_repo("weights/broken-header", {"README.md": card,
                                            "model.safetensors": struct.pack("<Q", 12) + b"{not json!!}"},
                  downloads=6),
    ]


def real_repos() -> list[Repo]:
    """The 26 real cards; where an older revision is kept too, it is the repository's first commit."""
    by_id: dict[str, list[str]] = {}
    for repo_id, name in _real_card_ids():
        by_id.setdefault(repo_id, []).append(name)
    repos = []
    for index, (repo_id, names) in enumerate(by_id.items()):
        names.sort(key=lambda n: "--rev-" not in n)  # the older revision first
        revisions = [{"README.md": (REAL_CARDS / n).read_bytes(), **side_files(index)} for n in names]
        repos.append(make_repo(repo_id, *revisions, downloads=_downloads(repo_id)))
    return repos


@functools.lru_cache(maxsize=1)
def _castano_rows() -> list[dict[str, str]]:
    return castano_rows()  # 1,417 rows with whole card texts: read once per process


def castano_repos(count: int, offset: int = 0) -> list[Repo]:
    """`count` repositories from the cards of Castaño et al. (2023), cycling with new names past
    their 1,417 rows; files beside the card vary with the index."""
    rows = _castano_rows()
    cards: dict[int, bytes] = {}
    repos = []
    for index in range(offset, offset + count):
        row_index = index % len(rows)
        if row_index not in cards:  # the same bytes for every copy of a row
            cards[row_index] = rebuild_card(rows[row_index]).encode("utf-8")
        name = re.sub(r"[^\w.-]+", "-", rows[row_index]["modelId"]).strip("-.")[:80] or "model"
        name = name.replace("--", "-")
        copy = index // len(rows)
        repo_id = f"castano/{name}" + (f"-c{copy}" if copy else "") + f"-{index}"
        files = {"README.md": cards[row_index], **side_files(index)}
        row = rows[row_index]
        repos.append(make_repo(repo_id, files, downloads=_downloads(repo_id), created_at=_hub_date(row["created_at"]),
                               last_modified=_hub_date(row["lastModified"]) or DATE,
                               likes=int(float(row["likes"] or 0))))
    return repos


def _hub_date(text: str) -> str | None:
    """The study's `2019-10-03 14:08:13+00:00` as the Hub writes it: `2019-10-03T14:08:13.000Z`."""
    match = re.fullmatch(r"(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.\d+)?\+00:00", text or "")
    return f"{match[1]}T{match[2]}.000Z" if match else None


def synthetic_hub(castano: int = 60, real: bool = True, special: bool = True) -> list[Repo]:
    """The repositories of a test Hub: `castano` cards of the study, the real cards, the special cases."""
    return [*(real_repos() if real else []), *castano_repos(castano), *(special_repos() if special else [])]


def write_repo(repo: Repo, root: Path, revision: str = "main") -> Path:
    """Write a repository's files at a revision under `root/<repo id>/`; return the folder."""
    folder = root / repo.repo_id
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in repo.at(revision).files.items():
        if isinstance(data, Huge):
            with open(folder / name, "wb") as handle:
                if data.fill == b"\x00" and data.start == 0:  # a sparse file: no disk, no time
                    handle.write(data.prefix[: data.size])
                    handle.truncate(data.size)
                else:
                    handle.writelines(data.chunks())
        else:
            (folder / name).write_bytes(data)
    return folder


# --------------------------------------------------------------------------- what the Hub says of a model

_FRONT_MATTER = re.compile(rb"\A(?:\xef\xbb\xbf)?---\r?\n(.*?)\r?\n---", re.DOTALL)
_DTYPE_BYTES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}


@functools.lru_cache(maxsize=8192)
def card_metadata(card: bytes) -> dict:
    """The front matter of a card as the Hub reads it (a mapping), or {} when there is none."""
    import yaml

    match = _FRONT_MATTER.match(card)
    try:
        data = yaml.safe_load(match[1]) if match else None
    except Exception:  # noqa: BLE001 - any card the Hub cannot read has no metadata
        return {}
    return data if isinstance(data, dict) else {}


# The Hub's tasks that a card's tags name; the Hub takes the card's own `pipeline_tag` first.
TASKS = ("text-generation", "text2text-generation", "text-classification", "token-classification", "fill-mask",
         "question-answering", "summarization", "translation", "feature-extraction", "sentence-similarity",
         "automatic-speech-recognition", "audio-classification", "text-to-speech", "image-classification",
         "object-detection", "image-segmentation", "text-to-image", "reinforcement-learning")


def hub_fields(files: dict[str, bytes | Huge]) -> dict:
    """`library_name`, `pipeline_tag` and `tags` as the Hub derives them from the card's metadata
    (the task from the tags when the card states none)."""
    card = files.get("README.md")
    meta = card_metadata(card) if isinstance(card, bytes) else {}
    fields: dict = {}
    for key in ("library_name", "pipeline_tag"):
        if isinstance(meta.get(key), str):
            fields[key] = meta[key]
    tags = [t for t in meta.get("tags") or () if isinstance(t, str)] if isinstance(meta.get("tags"), list) else []
    if "pipeline_tag" not in fields and (task := next((t for t in tags if t in TASKS), None)):
        fields["pipeline_tag"] = task
    tags += [fields[k] for k in ("library_name", "pipeline_tag") if k in fields]
    if isinstance(meta.get("license"), str):
        tags.append(f"license:{meta['license']}")
    fields["tags"] = list(dict.fromkeys([*tags, "region:us"]))
    return fields


def safetensors_info(files: dict[str, bytes | Huge]) -> dict | None:
    """`safetensors` as the Hub lists it, `{"parameters": {dtype: count}, "total": count}`: the
    weights of `model.safetensors.index.json` (every shard present and readable) or else of
    `model.safetensors`; None when there are none, or a header is unreadable or does not fit
    its file (a count the Hub could not make)."""
    if "model.safetensors.index.json" in files:
        try:
            index = json.loads(_head(files["model.safetensors.index.json"], 2**20))
            names = sorted(set(index["weight_map"].values()))
        except Exception:  # noqa: BLE001
            return None
    elif "model.safetensors" in files:
        names = ["model.safetensors"]
    else:
        return None
    counts: Counter[str] = Counter()
    for name in names:
        if name not in files or (header := _tensor_counts(files[name])) is None:
            return None
        counts.update(header)
    return {"parameters": dict(counts), "total": sum(counts.values())} if counts else None


def _tensor_counts(data: bytes | Huge) -> Counter[str] | None:
    """Parameters per dtype in a safetensors header that fits its file, else None."""
    if len(data) < 8:
        return None
    length = struct.unpack("<Q", _head(data, 8))[0]
    if length > min(len(data) - 8, 100 * 2**20):
        return None
    try:
        header = json.loads(_head(data, 8 + length)[8:])
    except (ValueError, RecursionError):
        return None
    if not isinstance(header, dict):
        return None
    counts: Counter[str] = Counter()
    for name, info in header.items():
        if name == "__metadata__":
            continue
        try:
            count = 1
            for dim in info["shape"]:
                count *= dim if isinstance(dim, int) and dim >= 0 else -1
            begin, end = info["data_offsets"]
            if count < 0 or not 0 <= begin <= end <= len(data) - 8 - length or \
                    end - begin != count * _DTYPE_BYTES[info["dtype"]]:
                return None
        except (KeyError, TypeError, ValueError):
            return None
        counts[info["dtype"]] += count
    return counts


def _head(data: bytes | Huge, count: int) -> bytes:
    if isinstance(data, Huge):
        return b"".join(data[:count].chunks())
    return data[:count]


# --------------------------------------------------------------------------- rate limits


FREE_ACCOUNT = {"api": (1000, 300.0), "resolvers": (5000, 300.0)}
"""A free account's rate limits: requests per window of seconds (https://huggingface.co/docs/hub/rate-limits)."""


class RateLimits:
    """The Hub's rate limits: per bucket (`api`, `resolvers`), a quota of requests per fixed
    window, the window starting at the bucket's first request; requests over the quota are
    answered 429 (and not counted). Every answer says what is left, as the Hub does:
    `RateLimit: "api";r=<left>;t=<seconds to the window's end, rounded up>` and
    `RateLimit-Policy: "fixed window";"api";q=<quota>;w=<window>`."""

    def __init__(self, limits: dict[str, tuple[int, float]]):
        self.limits = dict(limits)
        self._windows: dict[str, tuple[float, int]] = {}  # bucket -> (window start, requests counted)
        self._lock = threading.Lock()

    def admit(self, bucket: str) -> tuple[bool, dict[str, str]]:
        """Whether a request of `bucket` is within the quota (and counted), and the headers to send."""
        if bucket not in self.limits:
            return True, {}
        quota, window = self.limits[bucket]
        with self._lock:
            now = time.monotonic()
            start, used = self._windows.get(bucket, (now, 0))
            if now >= start + window:
                start, used = now, 0
            admitted = used < quota
            used += admitted
            self._windows[bucket] = (start, used)
        reset = max(math.ceil(start + window - now), 0)
        return admitted, {"RateLimit": f'"{bucket}";r={quota - used};t={reset}',
                          "RateLimit-Policy": f'"fixed window";"{bucket}";q={quota};w={window:g}',
                          **({} if admitted else {"Retry-After": str(reset)})}


# --------------------------------------------------------------------------- faults


@dataclass
class Fault:
    """What to do instead of a normal answer, for requests that match.

    `route` is one of `list`, `info`, `resolve`, `discussions`, `preupload`, `commit`, or None
    for any; `repo_id`, `file` and `method` narrow it further. `times` is how many matching
    requests get the fault (None: all of them).
    """

    kind: str
    """`status` (answer `status`), `slow` (sleep `delay` seconds first), `truncate` (send half the body),
    `ignore-range` (answer a `Range` request with the whole file, 200), `no-length` (send the body
    with no `Content-Length`, ended by closing the connection), `headers` (answer as usual, with
    `headers` sent instead of (or beside) the usual ones: a RateLimit header that lies, say)."""
    route: str | None = None
    repo_id: str | None = None
    file: str | None = None
    method: str | None = None
    status: int = 500
    retry_after: float | None = None
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    times: int | None = None
    hits: int = 0

    def matches(self, route: str, repo_id: str | None, file: str | None, method: str) -> bool:
        return ((self.route is None or self.route == route) and (self.repo_id is None or self.repo_id == repo_id)
                and (self.file is None or self.file == file) and (self.method is None or self.method == method)
                and (self.times is None or self.hits < self.times))


@dataclass(frozen=True)
class Logged:
    """One request the server answered."""

    time: float
    method: str
    route: str
    repo_id: str | None
    file: str | None
    status: int
    authorization: str | None


# --------------------------------------------------------------------------- the server


class HubServer:
    """The local Hub: `with HubServer(repos) as hub:` then point `HF_ENDPOINT` at `hub.url`."""

    def __init__(self, repos: Iterable[Repo], latency: float = 0.0, log: bool = True,
                 page_size: int = PAGE_SIZE, limits: dict[str, tuple[int, float]] | None = None,
                 metadata: bool = True, datasets: Iterable[Repo] = ()) -> None:
        self.repos = {repo.repo_id: repo for repo in repos}
        self.metadata = metadata
        """Whether the Hub says what it knows of a model beside its files (creation date, task,
        library, tags, the weights' count); without it, an audit says what `check` says."""
        self.datasets = {repo.repo_id: repo for repo in datasets}
        """Dataset repositories (`hf://datasets/<id>/...`), apart from the models."""
        self.latency = latency
        self.page_size = page_size
        self.rate_limits = RateLimits(limits) if limits else None
        """Rate limits enforced per bucket (`FREE_ACCOUNT`, or quotas per shorter windows); None: none."""
        self._safetensors: dict[str, dict | None] = {}
        self.faults: list[Fault] = []
        self.requests: list[Logged] | None = [] if log else None
        self.sent: Counter[tuple[str | None, str | None]] = Counter()
        """Bytes of body sent for each (repo id, file) of `resolve`, as written to the socket."""
        self.answered: Counter[tuple[str, int]] = Counter()
        """Requests answered per (route, status), kept whether or not `requests` logs each one."""
        self.lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.hub = self
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> HubServer:
        # Polled every 50 ms rather than 500: stop() waits for the next poll, at every test's end.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="hub-server",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def inject(self, kind: str, **where) -> Fault:
        fault = Fault(kind, **where)
        with self.lock:
            self.faults.append(fault)
        return fault

    def fault_for(self, route: str, repo_id: str | None, file: str | None, method: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.matches(route, repo_id, file, method):
                    fault.hits += 1
                    return fault
        return None

    def model(self, repo: Repo, commit: Commit, sizes: bool, listing: bool = False) -> dict:
        """Every field the Hub gives of a model at a commit: `siblings` with their sizes if `sizes`,
        and in a listing with their names only."""
        with self.lock:
            if commit.sha not in self._safetensors:
                self._safetensors[commit.sha] = safetensors_info(commit.files)
            counted = self._safetensors[commit.sha]
        siblings = []
        for name, data in sorted(commit.files.items()):
            size = repo.listed.get(name, len(data))
            siblings.append({"rfilename": name, **({} if listing else {"blobId": git_sha1(data)}),
                             **({"size": size} if sizes and size is not None else {})})
        about = {**({"createdAt": repo.created_at} if repo.created_at else {}), **hub_fields(commit.files),
                 **({"safetensors": counted} if counted else {})} if self.metadata else {"tags": []}
        return {"_id": repo.repo_id, "id": repo.repo_id, "modelId": repo.repo_id, "author": repo.repo_id.split("/")[0],
                "sha": commit.sha, "lastModified": repo.last_modified, "private": False, "disabled": False,
                "gated": False, "downloads": repo.downloads, "likes": repo.likes, **about, "siblings": siblings}

    def log(self, entry: Logged) -> None:
        with self.lock:
            self.answered[entry.route, entry.status] += 1
            if self.requests is not None:
                self.requests.append(entry)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # many clients connect at once; the default backlog is 5
    hub: HubServer

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)
        # else: a client that gave up (its timeout) or a connection cut on purpose


# Repository ids have one or two parts ("gpt2", "meta-llama/Llama-3.1-8B").
_API_REPO = re.compile(r"^/api/models/(?P<repo>[^/]+(?:/[^/]+)??)(?:/(?P<action>revision|discussions|preupload|commit)"
                       r"(?:/(?P<rev>[^/]+)(?P<comment>/comment)?)?)?$")
_RESOLVE = re.compile(r"^/(?P<repo>[^/]+(?:/[^/]+)??)/resolve/(?P<rev>[^/]+)/(?P<file>.+)$")
_ROUTES = {None: "info", "revision": "info", "discussions": "discussions", "preupload": "preupload",
           "commit": "commit"}
# Dataset repositories always have an owner. Routes: dataset-info, dataset-tree, dataset-paths-info,
# dataset-resolve.
_API_DATASET = re.compile(r"^/api/datasets/(?P<repo>[^/]+/[^/]+)(?:/(?P<action>revision|tree|paths-info)"
                          r"/(?P<rev>[^/]+)(?P<path>/.*)?)?$")
_RESOLVE_DATASET = re.compile(r"^/datasets/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<file>.+)$")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the Hub: clients reuse connections
    # Headers and body go out in separate writes: with Nagle's algorithm, the body would wait
    # for the client's delayed ACK (40 ms on Linux), a latency the real Hub does not add.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format, *args) -> None:
        pass  # quiet: the tests read `HubServer.requests` instead

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    # -- routing

    def _dispatch(self, method: str) -> None:
        hub = self.server.hub
        split = urlsplit(self.path)
        self.queries = parse_qsl(split.query)
        self.query = dict(self.queries)  # the last value of each
        self.body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) if method == "POST" else b""
        route, repo_id, revision, file = self._route(split.path, method)
        self.extra_headers: dict[str, str] = {}
        bucket = "resolvers" if route in ("resolve", "dataset-resolve") else "api" if route != "unknown" else None
        admitted = True
        if hub.rate_limits is not None and bucket is not None:
            admitted, self.extra_headers = hub.rate_limits.admit(bucket)
        if hub.latency:
            time.sleep(hub.latency)
        self.truncate = self.ignore_range = self.no_length = False
        self.sending = (repo_id, file) if route in ("resolve", "dataset-resolve") else None
        if not admitted:
            self._json({"error": "You have exceeded the rate limit"}, 429)
            return self._logged(method, route, repo_id, file, 429)
        fault = hub.fault_for(route, repo_id, file, method)
        if fault is not None and fault.kind == "headers":
            self.extra_headers.update(fault.headers)
            fault = None
        if fault is not None:
            if fault.kind == "slow":
                time.sleep(fault.delay)
            elif fault.kind == "truncate":
                self.truncate = True
            elif fault.kind == "ignore-range":
                self.ignore_range = True
            elif fault.kind == "no-length":
                self.no_length = True
            else:
                headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
                self._json({"error": f"injected {fault.status}"}, fault.status, headers)
                return self._logged(method, route, repo_id, file, fault.status)
        self.status = None
        try:
            status = self._answer(route, method, repo_id, revision, file)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up: before the answer (a timeout), or in its body (it read enough).
            if self.status is not None:
                self._logged(method, route, repo_id, file, self.status)
            return
        self._logged(method, route, repo_id, file, status)

    def _route(self, path: str, method: str) -> tuple[str, str | None, str | None, str | None]:
        if path == "/api/models":
            return "list", None, None, None
        if path == "/api/validate-yaml":
            return "validate-yaml", None, None, None
        if path == "/api/agent-harnesses":  # huggingface_hub's registry for its user agent, once a day
            return "agent-harnesses", None, None, None
        if match := _API_REPO.match(path):
            if match["comment"]:
                return "comment", match["repo"], "main", match["rev"]
            return _ROUTES[match["action"]], match["repo"], unquote(match["rev"] or "main"), None
        if match := _API_DATASET.match(path):
            route = {None: "dataset-info", "revision": "dataset-info", "tree": "dataset-tree",
                     "paths-info": "dataset-paths-info"}[match["action"]]
            return route, match["repo"], unquote(match["rev"] or "main"), unquote((match["path"] or "/")[1:])
        if match := _RESOLVE_DATASET.match(path):
            return "dataset-resolve", match["repo"], unquote(match["rev"]), unquote(match["file"])
        if match := _RESOLVE.match(path):
            return "resolve", match["repo"], unquote(match["rev"]), unquote(match["file"])
        return "unknown", None, None, path

    def _answer(self, route: str, method: str, repo_id, revision, file) -> int:
        hub = self.server.hub
        if route == "list" and method == "GET":
            return self._list()
        if route == "validate-yaml" and method == "POST":
            return self._json({"errors": [], "warnings": []})
        if route == "agent-harnesses" and method == "GET":
            return self._json({"standardEnvVars": [], "harnesses": {}})
        if route.startswith("dataset-"):
            return self._dataset(route, method, repo_id, revision, file)
        repo = hub.repos.get(repo_id) if repo_id else None
        if route == "unknown" or (route != "validate-yaml" and repo is None):
            code = "RepoNotFound" if route != "unknown" else None
            return self._error(404, "Repository not found" if code else "Not found", code)
        if route == "discussions" and method == "GET":
            return self._discussions(repo)
        if route == "comment" and method == "POST":
            return self._comment(repo, int(file))
        commit = repo.at(revision)
        if commit is None:
            return self._error(404, f"Invalid rev id: {revision}", "RevisionNotFound")
        if route == "info" and method == "GET":
            return self._info(repo, commit)
        if route == "resolve" and method in ("GET", "HEAD"):
            return self._resolve(repo, commit, file, method)
        if route == "preupload" and method == "POST":
            return self._preupload(commit)
        if route == "commit" and method == "POST":
            return self._commit(repo, revision, commit)
        return self._error(405, "Method not allowed")

    # -- answers

    def _list(self) -> int:
        hub = self.server.hub
        author, search = self.query.get("author"), (self.query.get("search") or "").lower()
        models = [r for r in hub.repos.values()
                  if (not author or r.repo_id.split("/")[0] == author) and search in r.repo_id.lower()]
        if self.query.get("sort") == "downloads":
            models.sort(key=lambda r: (-r.downloads, r.repo_id))
        start = int(self.query.get("cursor", 0))
        # `limit` is the page's size (the client stops reading at the total it wants), up to the cap.
        size = min(int(self.query.get("limit") or hub.page_size), hub.page_size)
        page = models[start:start + size]
        headers = {}
        if start + size < len(models):  # the next page: the same query (every `expand`), further on
            query = [(k, v) for k, v in self.queries if k != "cursor"] + [("cursor", str(start + size))]
            headers["Link"] = f'<{hub.url}/api/models?{urlencode(query)}>; rel="next"'
        # `expand` names the fields of each entry (`id` and `_id` always), as on the Hub.
        expand = [v for k, v in self.queries if k in ("expand", "expand[]")]
        fields = ("_id", "id", *expand) if expand else (
            "_id", "id", "modelId", "author", "sha", "downloads", "likes", "private", "tags", "lastModified",
            "createdAt")
        items = []
        for repo in page:
            model = {**hub.model(repo, repo.main, sizes=False, listing=True), **repo.listed_as}
            items.append({key: model[key] for key in fields if key in model and model[key] is not MISSING})
        return self._json(items, headers=headers)

    def _info(self, repo: Repo, commit: Commit) -> int:
        blobs = self.query.get("blobs") in ("True", "true", "1")
        return self._json(self.server.hub.model(repo, commit, sizes=blobs))

    def _resolve(self, repo: Repo, commit: Commit, file: str, method: str) -> int:
        data = commit.files.get(file)
        if data is None:
            return self._error(404, f"{file} does not exist", "EntryNotFound", {"X-Repo-Commit": commit.sha})
        headers = {"X-Repo-Commit": commit.sha, "ETag": f'"{git_sha1(data)}"', "Accept-Ranges": "bytes",
                   "Content-Type": "application/octet-stream"}
        status, body = 200, data
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        if match and not self.ignore_range:
            first = int(match[1])
            last = min(int(match[2]) if match[2] else len(data) - 1, len(data) - 1)
            if first >= len(data):
                return self._send(416, b"", {"Content-Range": f"bytes */{len(data)}"})
            status, body = 206, data[first:last + 1]
            headers["Content-Range"] = f"bytes {first}-{last}/{len(data)}"
        return self._send(status, body, headers, head=method == "HEAD")

    # -- dataset repositories

    def _dataset(self, route: str, method: str, repo_id: str, revision: str, path: str) -> int:
        repo = self.server.hub.datasets.get(repo_id)
        if repo is None:
            return self._error(404, "Repository not found", "RepoNotFound")
        commit = repo.at(revision)
        if commit is None:
            return self._error(404, f"Invalid rev id: {revision}", "RevisionNotFound")
        if route == "dataset-info" and method == "GET":
            return self._json({"_id": repo.repo_id, "id": repo.repo_id, "author": repo.repo_id.split("/")[0],
                               "sha": commit.sha, "lastModified": DATE, "createdAt": DATE, "private": False,
                               "disabled": False, "gated": False, "downloads": repo.downloads, "likes": 0,
                               "tags": [], "siblings": [{"rfilename": name} for name in sorted(commit.files)]})
        if route == "dataset-tree" and method == "GET":
            return self._tree(commit, path)
        if route == "dataset-paths-info" and method == "POST":
            form = parse_qs(self.body.decode())
            entries = _tree_entries(commit.files)
            return self._json([entries[p.strip("/")] for p in form.get("paths", []) if p.strip("/") in entries])
        if route == "dataset-resolve" and method in ("GET", "HEAD"):
            return self._resolve(repo, commit, path, method)
        return self._error(405, "Method not allowed")

    def _tree(self, commit: Commit, path: str) -> int:
        """The entries under `path` (its children, or every one below with `recursive`), in pages."""
        hub = self.server.hub
        entries = _tree_entries(commit.files)
        folder = path.strip("/")
        if folder and (folder not in entries or entries[folder]["type"] != "directory"):
            return self._error(404, f"{path} does not exist on \"{commit.sha}\"", "EntryNotFound")
        prefix = folder + "/" if folder else ""
        recursive = self.query.get("recursive") in ("True", "true", "1")
        listed = [entry for name, entry in sorted(entries.items()) if name.startswith(prefix)
                  and (recursive or "/" not in name[len(prefix):])]
        start = int(self.query.get("cursor", 0))
        page = listed[start:start + hub.page_size]
        headers = {}
        if start + hub.page_size < len(listed):
            query = {**self.query, "cursor": start + hub.page_size}
            headers["Link"] = f'<{hub.url}{urlsplit(self.path).path}?{urlencode(query)}>; rel="next"'
        return self._json(page, headers=headers)

    def _discussions(self, repo: Repo) -> int:
        pulls = [p for p in repo.pulls if self.query.get("status") in (None, "all", p.status)]
        if self.query.get("author"):
            pulls = [p for p in pulls if p.author == self.query["author"]]
        page, size = int(self.query.get("p", 0)), 50
        chosen = pulls[page * size:(page + 1) * size]
        return self._json({"discussions": [
            {"num": p.num, "title": p.title, "status": p.status, "isPullRequest": True, "createdAt": DATE,
             "author": {"name": p.author}, "repo": {"name": repo.repo_id, "type": "model"}, "numComments": 1,
             "pinned": False} for p in chosen], "count": len(pulls), "start": page * size,
            "numClosedDiscussions": 0})

    def _comment(self, repo: Repo, num: int) -> int:
        pull = next((p for p in repo.pulls if p.num == num), None)
        if pull is None:
            return self._error(404, "Discussion not found")
        text = json.loads(self.body)["comment"]
        pull.comments.append(text)
        return self._json({"newMessage": {"id": f"c{len(pull.comments)}", "type": "comment", "createdAt": DATE,
                                          "author": {"name": pull.author},
                                          "data": {"edited": False, "hidden": False, "latest": {"raw": text}}}})

    def _preupload(self, commit: Commit) -> int:
        files = json.loads(self.body or b"{}").get("files", [])
        return self._json({"files": [
            {"path": f["path"], "uploadMode": "regular", "shouldIgnore": False,
             "oid": git_sha1(commit.files[f["path"]]) if f["path"] in commit.files else None} for f in files]})

    def _commit(self, repo: Repo, revision: str, commit: Commit) -> int:
        hub = self.server.hub
        lines = [json.loads(line) for line in self.body.splitlines() if line.strip()]
        header = next(item["value"] for item in lines if item["key"] == "header")
        parent = header.get("parentCommit")
        create_pr = self.query.get("create_pr") == "1"
        with hub.lock:
            base = commit
            if parent is not None:
                found = repo.at(parent)
                if found is None or (not create_pr and found.sha != commit.sha):
                    return self._error(412, "A commit has happened since. Please refresh and try again.")
                base = found if create_pr else commit
            files = dict(base.files)
            for item in lines:
                if item["key"] == "file":
                    files[item["value"]["path"]] = base64.b64decode(item["value"]["content"])
                elif item["key"] == "deletedFile":
                    files.pop(item["value"]["path"], None)
            new = Commit(hashlib.sha1(base.sha.encode() + self.body).hexdigest(), files)
            pull_url = None
            if create_pr:
                number = len(repo.pulls) + 1
                repo.pulls.append(PullRequest(number, header["summary"], header.get("description") or "",
                                              base.sha, [new]))
                pull_url = f"{hub.url}/{repo.repo_id}/discussions/{number}"
            elif revision.startswith("refs/pr/"):
                next(p for p in repo.pulls if p.num == int(revision.rsplit("/", 1)[1])).commits.append(new)
            else:
                repo.commits.append(new)
        return self._json({"success": True, "commitOid": new.sha,
                           "commitUrl": f"{hub.url}/{repo.repo_id}/commit/{new.sha}", "pullRequestUrl": pull_url})

    # -- sending

    def _error(self, status: int, message: str, code: str | None = None, headers: dict | None = None) -> int:
        extra = {"X-Error-Message": message, **({"X-Error-Code": code} if code else {}), **(headers or {})}
        return self._json({"error": message}, status, extra)

    def _json(self, data, status: int = 200, headers: dict | None = None) -> int:
        return self._send(status, json.dumps(data).encode(), {"Content-Type": "application/json", **(headers or {})})

    def _send(self, status: int, body: bytes | Huge, headers: dict, head: bool = False) -> int:
        self.send_response(status)
        self.status = status
        for name, value in {**headers, **self.extra_headers}.items():
            self.send_header(name, str(value))
        if self.no_length and not head:
            self.close_connection = True  # the end of the body is the end of the connection
        else:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if head:
            return status
        if self.truncate and len(body) > 1:
            # The promised length, half the bytes, then a closed connection: a body cut short.
            self._write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return status
        self._write(body)
        return status

    def _write(self, body: bytes | Huge) -> None:
        hub = self.server.hub
        for chunk in body.chunks() if isinstance(body, Huge) else (body,):
            self.wfile.write(chunk)
            if self.sending is not None:  # counted once written: a client that stops reading stops it
                with hub.lock:
                    hub.sent[self.sending] += len(chunk)

    def _logged(self, method, route, repo_id, file, status) -> None:
        self.server.hub.log(Logged(time.monotonic(), method, route, repo_id, file, status,
                                   self.headers.get("Authorization")))


def _tree_entries(files: dict[str, bytes | Huge]) -> dict[str, dict]:
    """Every file and folder of a commit as the tree API lists them, by path. Parquet files are
    LFS files on the Hub (their entry has an `lfs` object); the others are plain git blobs."""
    entries: dict[str, dict] = {}
    for name, data in files.items():
        parts = name.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            entries.setdefault(folder, {"type": "directory", "oid": hashlib.sha1(folder.encode()).hexdigest(),
                                        "path": folder})
        entry = {"type": "file", "oid": git_sha1(data), "size": len(data), "path": name}
        if name.endswith(".parquet"):
            entry["lfs"] = {"oid": hashlib.sha256(bytes(data)).hexdigest() if isinstance(data, bytes) else "0" * 64,
                            "size": len(data), "pointerSize": 134}
        entries[name] = entry
    return entries


def resolve_url(base: str, repo_id: str, file: str, revision: str = "main") -> str:
    return f"{base}/{repo_id}/resolve/{quote(revision, safe='')}/{file}"


def main(argv: list[str] | None = None) -> None:
    """Serve a synthetic Hub of `--models` Castaño repositories until stdin closes; then print the
    requests answered, per route and status, as one line of JSON."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every response")
    parser.add_argument("--page-size", type=int, default=PAGE_SIZE, help="the most models per page of the listing")
    parser.add_argument("--api-limit", type=int, help="API calls per window (a free account: 1000)")
    parser.add_argument("--resolver-limit", type=int, help="resolver GETs per window (a free account: 5000)")
    parser.add_argument("--window", type=float, default=300.0, help="seconds of each rate-limit window")
    args = parser.parse_args(argv)
    limits = {bucket: (quota, args.window) for bucket, quota in (("api", args.api_limit),
                                                                  ("resolvers", args.resolver_limit)) if quota}
    with HubServer(castano_repos(args.models), latency=args.latency, log=False, page_size=args.page_size,
                   limits=limits or None) as hub:
        print(hub.url, flush=True)
        try:
            sys.stdin.read()  # the parent closes stdin (or dies) to stop the server
        except KeyboardInterrupt:
            pass
        with hub.lock:
            answered = [{"route": route, "status": status, "count": n} for (route, status), n in hub.answered.items()]
        print(json.dumps({"answered": answered}), flush=True)


if __name__ == "__main__":
    main()
