"""An import's report: the problems found, kept up to a limit and counted beyond it."""

from dataclasses import dataclass, field

from .rows import Problem

LIMIT = 1000  # problems kept on the job; the rest are counted


@dataclass
class Report:
    limit: int = LIMIT
    kept: list[Problem] = field(default_factory=list)
    omitted: int = 0
    bad_rows: int = 0
    warnings: int = 0
    suppressed_numbers: int = 0

    def add(self, problem: Problem) -> None:
        if len(self.kept) < self.limit:
            self.kept.append(problem)
        else:
            self.omitted += 1

    def reject(self, problems: list[Problem]) -> None:
        """One bad row and its reasons."""
        self.bad_rows += 1
        for problem in problems:
            self.add(problem)

    def reject_many(self, listed: list[Problem], total: int) -> None:
        """``total`` bad rows found in the database, of which ``listed`` fit in the report."""
        self.bad_rows += total
        for problem in listed:
            self.add(problem)
        self.omitted += total - len(listed)

    def warn_many(self, listed: list[Problem], total: int) -> None:
        self.warnings += total
        for problem in listed:
            self.add(problem)
        self.omitted += total - len(listed)

    @property
    def room(self) -> int:
        return max(0, self.limit - len(self.kept))

    def as_list(self) -> list[dict[str, object]]:
        ordered = sorted(self.kept, key=lambda problem: (problem.line, problem.level))
        return [problem.as_dict() for problem in ordered]

    @property
    def messages(self) -> list[str]:
        return [problem.message for problem in self.kept]
