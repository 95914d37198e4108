"""The posting plan (发圈计划): when a seller posts which library post on which channel, and the
rules that keep a feed from turning into a spam wall."""
