diff --color=never kinds/base.sb kinds/appleevent.sb
