"""Golden sets and runs for the views over many articles: story grouping, timelines, outlets.

`golden` reads the hand-labelled sets kept in `evals/golden_views/<dataset name>/` (labelled
article pairs, timeline and outlets cases written from the dev corpora, which are not copied
here: cases name articles by URL); `run` runs them against a dataset's store and scores them
with `evals.metrics.views`. Nothing here is about single questions' answers.
"""
