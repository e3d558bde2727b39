diff --color=never kinds/base.sb kinds/vnode-type.sb
