suggest -f suggest-base.sb --apply uv-configd.log
