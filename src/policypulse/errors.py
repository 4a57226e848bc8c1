"""The one exception tree of PolicyPulse.

    PulseError                 a problem the user can act on; the CLI prints it on one line
    ├── WorkspaceError         no workspace, or one that cannot be read
    │   └── ConfigError        pulse.toml is malformed or invalid (carries the line)
    ├── MonthError             not a YYYY-MM month in the sane range (also a ValueError;
    │                          months.py)
    ├── SourceError            a source cannot be fetched or parsed
    │   ├── FetchError         network, HTTP status, size, robots, address refused
    │   │   ├── FetchFailed    ... with a machine-readable reason (harvest/fetch.py)
    │   │   ├── AddressRefused a host resolving to a non-public address (harvest/guard.py)
    │   │   ├── Unresolvable   a host with no address (harvest/guard.py)
    │   │   └── _BodyTooLarge  a body past the size limit, inside the fetcher (harvest/fetch.py)
    │   └── ExtractError       the body is not what we can read (not HTML, bad PDF)
    ├── TriageError            no model or no such publication to triage (triage/services.py)
    ├── SummaryError           a summary backend is unknown or failed (summaries/backends.py)
    ├── GoldFileError          an evaluation's gold file cannot be read or lacks a field
    ├── EditionError           no such edition, or it is frozen
    ├── ReviewError            an editorial change that cannot be made as asked (web/review.py)
    ├── AccountError           an editor account cannot be made or used (web/accounts.py)
    ├── BackupError            a backup or restore cannot be made (service/backup.py)
    └── MailError              sending or subscriber data problems
        ├── InvalidAddress     not an email address we can send to (also a ValueError;
        │                      mailing/consent.py)
        ├── HandlerFailed      our receiver of a provider's event failed (mailing/esp.py)
        └── DeliveryError      one message's SMTP outcome (mailing/backends.py)
            ├── TemporaryFailure   4xx or no connection: nothing delivered, retry later
            ├── PermanentFailure   5xx: refused
            └── UncertainDelivery  connection lost after hand-over: maybe delivered

Classes defined beside the code that raises them are drawn here with their module;
`tests/test_errors.py` walks the package and fails on any exception class missing from this
drawing or outside the tree. The CLI converts these to a one-line message in one place
(`cli.main`); anything else is a bug and shows a traceback with `--debug`.
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


class GoldFileError(PulseError):
    pass


class EditionError(PulseError):
    pass


class MailError(PulseError):
    pass
