"""Stories: copies of one story (syndicated, republished, updated) grouped by near-duplicate text.

`minhash` (the datasketch adapter: fingerprints, LSH), `grouping` (the rule and the incremental
grouper the store runs under its write lock), `support` (counting stories, not copies, among
passages). This package stores nothing and retrieves nothing.
"""
