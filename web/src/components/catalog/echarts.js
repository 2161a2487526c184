// The parts of ECharts the indicator page uses; imported lazily so the
// chart code loads only when a chart is shown.
import { use, init } from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, MarkLineComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, GridComponent, TooltipComponent, MarkLineComponent, CanvasRenderer]);

export { init };
