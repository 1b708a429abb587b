/* The browser-side parts of the RMSprop playground (see rmsprop/playground/_app.py).
 *
 * listenForClicks: a click on the contour becomes the exact point under the pointer, in data
 *   coordinates, written to the "click-point" store (Plotly's own clickData would give the
 *   nearest grid point of the contour trace instead). The figure's layout.meta.click says what a
 *   click means: "plane" (the contour: the point under the pointer), "surface" (3-D: the point
 *   of the surface clicked), absent (an online problem's x_t against t: nothing).
 * play / tick: the Play button runs the "frame" slider from 0 to the last step.
 * cutPaths: the paths drawn up to the frame's step, with each head marker at that step (and
 *   their heights z in 3-D).
 */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    rmsprop: {
        listenForClicks: function (figure) {
            const attach = function (tries) {
                const gd = document.querySelector("#contour .js-plotly-plot");
                if (!gd || typeof gd.on !== "function" || !gd._fullLayout) {
                    if (tries > 0) { setTimeout(function () { attach(tries - 1); }, 100); }
                    return;
                }
                if (gd._rmspropListening) { return; }
                gd._rmspropListening = true;
                gd.on("plotly_click", function (event) {
                    const click = ((gd.layout || {}).meta || {}).click;
                    if (click === "surface") {
                        const point = (event.points || [])[0];
                        const range = ((gd._fullLayout.scene || {}).xaxis || {}).range || [0, 10];
                        if (!point || !point.data || point.data.type !== "surface") { return; }
                        if (!isFinite(point.x) || !isFinite(point.y)) { return; }
                        window.dash_clientside.set_props("click-point", {
                            data: {point: [point.x, point.y], width: Math.abs(range[1] - range[0])},
                        });
                        return;
                    }
                    if (click !== "plane") { return; }
                    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
                    let x, y;
                    if (event.event && xa && typeof xa.p2d === "function") {
                        const box = gd.getBoundingClientRect();
                        x = xa.p2d(event.event.clientX - box.left - xa._offset);
                        y = ya.p2d(event.event.clientY - box.top - ya._offset);
                    } else {
                        x = event.points[0].x;
                        y = event.points[0].y;
                    }
                    if (!isFinite(x) || !isFinite(y)) { return; }
                    const width = Math.abs(xa.range[1] - xa.range[0]);
                    window.dash_clientside.set_props("click-point", {data: {point: [x, y], width: width}});
                });
            };
            attach(50);
            return "contour";
        },

        play: function (clicks, stopped, frame, last) {
            if (stopped) {
                return [false, frame >= last ? 0 : frame, "Pause"];
            }
            return [true, window.dash_clientside.no_update, "Play"];
        },

        tick: function (n, frame, last) {
            const stride = Math.max(1, Math.ceil(last / 150));
            const next = Math.min(last, (frame || 0) + stride);
            if (next >= last) {
                return [last, true, "Play"];
            }
            return [next, false, window.dash_clientside.no_update];
        },

        cutPaths: function (frame, figure, paths) {
            const no = window.dash_clientside.no_update;
            if (!figure || !paths || frame === null || frame === undefined) { return [no, no]; }
            const data = figure.data.map(function (trace) {
                const meta = trace.meta || {};
                const k = meta.path !== undefined ? meta.path : meta.head;
                if (k === undefined || !paths.paths[k]) { return trace; }
                const p = paths.paths[k];
                const end = Math.min(frame, p.x.length - 1);
                if (meta.path !== undefined) {
                    const cut = {x: p.x.slice(0, end + 1), y: p.y.slice(0, end + 1)};
                    if (p.z) { cut.z = p.z.slice(0, end + 1); }
                    return Object.assign({}, trace, cut);
                }
                const head = {x: [p.x[end]], y: [p.y[end]]};
                if (p.z) { head.z = [p.z[end]]; }
                return Object.assign({}, trace, head);
            });
            return [Object.assign({}, figure, {data: data}), "step " + frame + " / " + paths.steps];
        },
    },
});
