diff --color=never deny-all.sb import-missing.sb
