diff --color=never kinds/base.sb kinds/path-prefix.sb
