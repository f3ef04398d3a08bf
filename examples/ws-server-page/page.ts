// The page the board serves at "/" (sent as its UTF-8 bytes, with their count as Content-Length).
export const PAGE = `<!doctype html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Board live data</title>
<style>
body { font-family: sans-serif; margin: 2em; }
.value { font-size: 2.5em; font-variant-numeric: tabular-nums; }
#state { color: #888; }
</style>
</head>
<body>
<h1>Board live data</h1>
<p id="state">connecting...</p>
<p>Uptime <span class="value" id="uptime">-</span> s</p>
<p>Sensor <span class="value" id="sensor">-</span></p>
<p>Viewers <span id="viewers">-</span></p>
<button id="blink">Ping the board</button> <span id="reply"></span>
<script>
const state = document.getElementById("state");
function connect() {
  const ws = new WebSocket("ws://" + location.host + "/ws");
  ws.onopen = () => { state.textContent = "live"; };
  ws.onmessage = (event) => {
    const data = JSON.parse(event.data);
    if (data.type === "sample") {
      document.getElementById("uptime").textContent = (data.ticks / 1000).toFixed(1);
      document.getElementById("sensor").textContent = data.sensor.toFixed(2);
      document.getElementById("viewers").textContent = data.viewers;
    } else if (data.type === "pong") {
      document.getElementById("reply").textContent = "board answered at " + (data.ticks / 1000).toFixed(1) + " s";
    }
  };
  ws.onclose = (event) => {
    state.textContent = "disconnected (" + event.code + "), retrying...";
    setTimeout(connect, 2000);
  };
  document.getElementById("blink").onclick = () => { if (ws.readyState === 1) ws.send("ping"); };
}
connect();
</script>
</body>
</html>
`;
