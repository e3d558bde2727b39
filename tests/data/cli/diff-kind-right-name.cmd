diff --color=never kinds/base.sb kinds/right-name.sb
