suggest --apply uv-configd.log
