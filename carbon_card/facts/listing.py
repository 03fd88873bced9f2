"""Facts the Hub states about a repository outside its files.

A row of the Hub's public dump of model cards (`librarian-bots/model_cards_with_metadata`)
and an entry of the API's model listing both carry the repository's creation date, its
task (`pipeline_tag`), its library and, from the API, the parameter count of its
safetensors weights. `gather(..., listing=...)` adds them as facts of origin `hub`, after
what the card itself says: the card's own `pipeline_tag` or `library_name` wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .base import Fact

__all__ = ["Listing", "facts_from_listing", "hub_json"]


@dataclass(frozen=True)
class Listing:
    """What the Hub lists about one model (every field optional but the id)."""

    repo_id: str
    author: str | None = None
    created_at: datetime | None = None
    """`createdAt`, timezone-aware UTC; the Hub has it for repositories created since 2022-03."""
    last_modified: datetime | None = None
    downloads: int | None = None
    likes: int | None = None
    library_name: str | None = None
    pipeline_tag: str | None = None
    tags: tuple[str, ...] = ()
    params: int | None = None
    """The total of the safetensors weights' parameters (`safetensors.total` in the API)."""
    sha: str | None = None


def facts_from_listing(listing: Listing) -> list[Fact]:
    """The listing's facts: the creation year, the task, the library and the parameter count."""
    facts = []
    if listing.created_at is not None:
        facts.append(Fact("created", listing.created_at.year, listing.created_at.isoformat(), "hub", "createdAt"))
    if listing.pipeline_tag:
        facts.append(Fact("task", listing.pipeline_tag, listing.pipeline_tag, "hub", "pipeline_tag"))
    if listing.library_name:
        facts.append(Fact("library", listing.library_name, listing.library_name, "hub", "library_name"))
    if listing.params is not None and listing.params > 0:
        facts.append(Fact("params", float(listing.params), str(listing.params), "hub", "safetensors.total"))
    return facts


def hub_json(listing: Listing) -> dict[str, Any]:
    """What the Hub lists of a model, as an audit record's `hub` object (dates in ISO 8601, or null)."""
    return {"author": listing.author,
            "created_at": listing.created_at.isoformat() if listing.created_at else None,
            "last_modified": listing.last_modified.isoformat() if listing.last_modified else None,
            "likes": listing.likes, "library_name": listing.library_name, "pipeline_tag": listing.pipeline_tag,
            "tags": list(listing.tags)}
