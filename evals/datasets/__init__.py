"""Evaluation datasets: the shared folder format, loaded into typed questions.

`folder` reads a dataset folder (questions + corpus), `questions` parses question records,
`labels` derives the breakdown labels, `sampling` draws seeded samples. Files are read only;
nothing is ingested or asked. This file only re-exports the names other modules import.
"""

from evals.datasets.folder import GOLDEN, Dataset, load_dataset
from evals.datasets.labels import needs_date, question_type
from evals.datasets.questions import DatasetError, EvalQuestion
from evals.datasets.sampling import sample

__all__ = [
    "GOLDEN",
    "Dataset",
    "DatasetError",
    "EvalQuestion",
    "load_dataset",
    "needs_date",
    "question_type",
    "sample",
]
