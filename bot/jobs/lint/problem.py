"""What every check of the lint job reports: one problem, at one line of the catalog."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    line: int  # 1-based
    message: str
