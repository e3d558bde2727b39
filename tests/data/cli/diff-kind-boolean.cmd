diff --color=never kinds/base.sb kinds/boolean.sb
