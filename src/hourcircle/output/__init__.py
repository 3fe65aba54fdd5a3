"""Files for people: written atomically, never over a file the user did not let hourcircle write.

:mod:`~hourcircle.output.files` writes (a file, a Parquet table in parts, a run's folder);
:mod:`~hourcircle.output.claims` checks and locks a target before the work starts.
"""

from hourcircle.output.claims import FileClaim, FolderClaim, claim_file, claim_folder
from hourcircle.output.files import MANIFEST, write_atomic, write_folder, write_parquet

__all__ = ["MANIFEST", "FileClaim", "FolderClaim", "claim_file", "claim_folder", "write_atomic", "write_folder",
           "write_parquet"]
