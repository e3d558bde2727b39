diff --color=never --keep-imports deny-all.sb import-missing.sb
