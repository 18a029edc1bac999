"""Transport adapters: thin HTTP and WebSocket layers that parse, call an action, serialize."""
