diff --color=never kinds/base.sb kinds/path-regex.sb
