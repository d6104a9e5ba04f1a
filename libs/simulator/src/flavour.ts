/**
 * The words of the simulated company: names, complaint categories, reasons. Picked with the
 * run's PRNG so they are part of the deterministic story.
 */
export const FIRST_NAMES = ['Lucía', 'Martín', 'Sofía', 'Mateo', 'Valentina', 'Benjamín', 'Camila', 'Joaquín', 'Julieta', 'Tomás', 'Martina', 'Santiago', 'Florencia', 'Nicolás', 'Agustina', 'Diego'];
export const SURNAMES = ['González', 'Rodríguez', 'Fernández', 'López', 'Martínez', 'Pérez', 'Gómez', 'Sánchez', 'Romero', 'Díaz', 'Álvarez', 'Torres', 'Ruiz', 'Ramírez', 'Flores', 'Acosta'];
export const BUSINESS_WORDS = ['Ferretería', 'Farmacia', 'Estudio', 'Distribuidora', 'Panadería', 'Clínica', 'Taller', 'Depósito', 'Colegio', 'Óptica', 'Supermercado', 'Consultora'];
export const BUSINESS_NAMES = ['del Sur', 'Central', 'San Martín', 'La Esquina', 'Norte', 'Belgrano', 'El Puerto', 'Los Álamos', 'Rivadavia', 'Del Valle'];

export const COMPLAINT_CATEGORIES = ['billing', 'false_alarm_handling', 'response_time', 'technician_visit', 'app', 'customer_service'];
export const COMPLAINT_TEXTS: Record<string, string[]> = {
  billing: ['Says the invoice amount is wrong', 'Disputes a charge for a technician visit'],
  false_alarm_handling: ['Angry that the monitoring centre called the police for a false alarm', 'Wants fewer verification calls'],
  response_time: ['Waited 20 minutes for the patrol', 'Nobody answered the panic button test'],
  technician_visit: ['Technician arrived late', 'Sensor still faulty after the visit'],
  app: ['Cannot arm the system from the app', 'Notifications arrive late'],
  customer_service: ['Rude answer on the phone', 'Was on hold too long'],
};

export const CANCELLATION_REASONS = [
  'Too expensive for what it gives',
  'Moving to another city',
  'Does not use the alarm any more',
  'A competitor offered a lower price',
  'Unhappy with the false-alarm calls',
  'Closing the business',
];

export const USAGE_FINDINGS: Array<{ findings: string; causes: Array<'neglect' | 'unaware_of_features' | 'internal_organization' | 'org_change' | 'unmet_expectations' | 'other'> }> = [
  { findings: 'System armed on fewer than 5 days a month', causes: ['neglect'] },
  { findings: 'Never used the app or the video verification included in the plan', causes: ['unaware_of_features'] },
  { findings: 'The new office manager does not know the codes', causes: ['internal_organization', 'org_change'] },
  { findings: 'Expected guards on site, the plan is remote monitoring only', causes: ['unmet_expectations'] },
  { findings: 'Family members share one code and trigger false alarms', causes: ['unaware_of_features', 'neglect'] },
];

export const COMPETITORS = ['Seguridad Vecina SA', 'Monitoreo Austral', 'Alarmas del Plata', 'Guardian Norte'];
export const PARTNERS = ['Monitoreo Austral', 'Red Pyme Seguridad'];
