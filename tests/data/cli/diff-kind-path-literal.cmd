diff --color=never kinds/base.sb kinds/path-literal.sb
