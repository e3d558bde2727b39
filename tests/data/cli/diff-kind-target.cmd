diff --color=never kinds/base.sb kinds/target.sb
