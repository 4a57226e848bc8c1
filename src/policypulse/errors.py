"""The one exception tree of PolicyPulse.

    PulseError                 a problem the user can act on; the CLI prints it on one line
    ├── WorkspaceError         no workspace, or one that cannot be read
    │   └── ConfigError        pulse.toml is malformed or invalid (carries the line)
    ├── SourceError            a source cannot be fetched or parsed
    │   ├── FetchError         network, HTTP status, size, robots, address refused
    │   └── ExtractError       the body is not what we can read (not HTML, bad PDF)
    ├── DropItem               a stage decided an item goes no further (not an error)
    ├── GoldFileError          an evaluation's gold file cannot be read or lacks a field
    ├── EditionError           no such edition, or it is frozen
    └── MailError              sending or subscriber data problems

The CLI converts these to a one-line message in one place (`cli.main`); anything else is a bug
and shows a traceback with `--debug`.
"""


class PulseError(Exception):
    """A problem the user can act on."""


class WorkspaceError(PulseError):
    pass


class ConfigError(WorkspaceError):
    pass


class SourceError(PulseError):
    pass


class FetchError(SourceError):
    pass


class ExtractError(SourceError):
    pass


class DropItem(PulseError):  # noqa: N818 - named as scrapy does: a decision, not a failure
    pass


class GoldFileError(PulseError):
    pass


class EditionError(PulseError):
    pass


class MailError(PulseError):
    pass
