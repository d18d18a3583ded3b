"""One kind of error for bad input: it names the file, the field and what is allowed."""

from __future__ import annotations


class InputError(Exception):
    """Bad user input. The CLI prints it as one message and exits with code 2."""

    def __init__(self, file: str, field: str, message: str, line: int | None = None):
        self.file = file
        self.field = field
        self.message = message
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}, line {self.line}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class InputErrors(InputError):
    """Several problems found in one file, reported together."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        first = errors[0]
        super().__init__(first.file, first.field, first.message, first.line)

    def __str__(self) -> str:
        if len(self.errors) == 1:
            return str(self.errors[0])
        return "\n".join([f"{len(self.errors)} problems:"] + [f"  {e}" for e in self.errors])
